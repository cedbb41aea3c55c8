"""A block class whose structure depends on an argument: the uses that differ in it
are two blocks."""

import keras
from keras import layers


class Unit(layers.Layer):
    def __init__(self, units, project=False, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.project = project
        self.dense = layers.Dense(units, activation="relu")
        self.shortcut = layers.Dense(units) if project else None
        self.add = layers.Add()

    def call(self, x):
        shortcut = self.shortcut(x) if self.shortcut is not None else x
        return self.add([self.dense(x), shortcut])

    def get_config(self):
        return {**super().get_config(), "units": self.units, "project": self.project}


def build_model():
    inputs = keras.Input((6,))
    x = Unit(6)(inputs)
    x = Unit(12, project=True)(x)
    x = Unit(12)(x)
    return keras.Model(inputs, x, name="projection")
