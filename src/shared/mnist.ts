/** MNIST's frame: 28x28 pixels. */
export const MNIST_SIZE = 28;

/**
 * Pixels in one MNIST-form image, MNIST_SIZE squared (28 x 28): the length of every model input, one byte each.
 * Written as the literal so its type is `784` (model files declare `dim: 784`); test/shared checks the product.
 */
export const PIXELS = 784;
