"""A custom layer that uses another, a keras.ops operation, and a nested functional model."""

import keras
from keras import layers


class Scale(layers.Layer):
    """A learned gate: dense sigmoid times the input."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.gate = layers.Dense(units, activation="sigmoid")
        self.times = layers.Multiply()

    def call(self, x):
        return self.times([x, self.gate(x)])

    def get_config(self):
        return {**super().get_config(), "units": self.units}


class Mixer(layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.dense = layers.Dense(units, activation="relu")
        self.scale = Scale(units)

    def call(self, x):
        return self.scale(self.dense(x)) + 1.0

    def get_config(self):
        return {**super().get_config(), "units": self.units}


def build_model():
    tower_in = keras.Input((8,))
    tower = keras.Model(tower_in, layers.Dense(8, activation="tanh")(tower_in), name="tower")
    inputs = keras.Input((8,))
    x = tower(inputs)
    x = Mixer(16)(x)
    x = Mixer(8)(x)
    return keras.Model(inputs, layers.Dense(2)(x), name="nested")
