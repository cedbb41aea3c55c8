"""A residual block class used three times with other arguments, and weights set from a seed
(so that converted code with its weights must predict the same)."""

import keras
import numpy as np
from keras import layers


class ResidualBlock(layers.Layer):
    def __init__(self, filters, stride=1, **kwargs):
        super().__init__(**kwargs)
        self.filters = filters
        self.stride = stride
        self.conv_a = layers.Conv2D(filters, 3, strides=stride, padding="same", use_bias=False)
        self.bn_a = layers.BatchNormalization()
        self.conv_b = layers.Conv2D(filters, 3, padding="same", use_bias=False)
        self.bn_b = layers.BatchNormalization()
        self.project = layers.Conv2D(filters, 1, strides=stride)
        self.add = layers.Add()
        self.relu = layers.ReLU()

    def call(self, x):
        y = self.bn_a(self.conv_a(x))
        y = self.bn_b(self.conv_b(keras.ops.relu(y) if False else y))
        return self.relu(self.add([y, self.project(x)]))

    def get_config(self):
        return {**super().get_config(), "filters": self.filters, "stride": self.stride}


def build_model():
    inputs = keras.Input((16, 16, 3))
    x = layers.Conv2D(8, 3, padding="same")(inputs)
    x = ResidualBlock(8)(x)
    x = ResidualBlock(16, stride=2)(x)
    x = ResidualBlock(16)(x)
    x = layers.GlobalAveragePooling2D()(x)
    m = keras.Model(inputs, layers.Dense(10, activation="softmax")(x), name="res")
    rng = np.random.default_rng(0)
    for w in m.weights:
        w.assign(
            rng.uniform(
                0.5 if "variance" in w.path else -0.5,
                1.5 if "variance" in w.path else 0.5,
                size=w.shape,
            ).astype("float32")
        )
    return m
