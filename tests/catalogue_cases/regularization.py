ACCEPTED = [
    "input 10x8 | spatialdropout1d 0.3",
    "input ?x8 | spatialdropout1d 0.5 7",
    "input 8x8x3 | spatialdropout2d 0.2",
    "input 8x8x3 | spatialdropout2d 0.2 data_format=channels_first seed=1",
    "input ?x?x3 | spatialdropout2d 0 name=drop",
    "input 4x4x4x2 | spatialdropout3d 0.1",
    "input 4x4x4x2 | spatialdropout3d 0.1 data_format=channels_last dtype=float16",
    "input 12 | gaussiannoise 0.1",
    "input 4x5 | gaussiannoise 1 seed=3",
    "input 4 | gaussiannoise 0 trainable=false",
    "input 12 | gaussiandropout 0.2",
    "input 4x5 | gaussiandropout 0.5 42",
    "input 12 | alphadropout 0.1",
    "input 4x3 | alphadropout 0.2 ?x1x3 5",
]
REFUSED = [
    "input 10 | spatialdropout1d 0.3",
    "input 4x5x6 | spatialdropout1d 0.3",
    "input 8x8 | spatialdropout2d 0.2",
    "input 8x8x8x3 | spatialdropout2d 0.2",
    "input 8x8x8 | spatialdropout3d 0.2",
    "input 2x2x2x2x2 | spatialdropout3d 0.2",
]
