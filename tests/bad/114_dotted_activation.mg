input 784
dense 64 activation=tf.nn.relu
