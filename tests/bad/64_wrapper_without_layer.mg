# bidirectional wraps a recurrent layer, named first
input 10x8
bidirectional dense 16
