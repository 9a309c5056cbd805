// Package cols is the imagecols models as a library: an image read as a
// sequence of pixel columns (or rows) and classified by a many-to-one
// recurrent network, and the reverse, a conditional one-to-many network that
// writes an image column by column.
//
//	clf, err := cols.Pretrained("mnist")   // or cols.LoadClassifier("model.ckpt")
//	preds, err := clf.Classify(imgs)       // imgs: 28×28 pixels in [0, 1], row-major
//	fmt.Println(preds[0].Name, preds[0].Prob)
//
// TrainClassifier and TrainGenerator train new models (cancellably through
// their context); Generator.Generate draws an image of a class and style.
// The program models/imagecols is flags and wiring over this package.
//
// Classifier wraps graph.ManyToOne: each image of H×W pixels becomes W steps
// of H features (Config.Rows: H steps of W features), the recurrent stack
// (LSTM, GRU or Elman RNN, optionally bidirectional and stacked) reads them,
// and a linear layer over the last state scores the classes. It implements
// train.Task, so the train package runs its loop (Adam, global-norm
// clipping, schedules, checkpoints).
//
// Generator wraps graph.OneToMany: the condition is the one-hot class
// followed by a few style numbers of the image (slant, ink, width,
// standardised over the training set); each emitted column of pixel
// intensities is fed back as the next input (graph.Generator). Giving a
// class with the styles of different training images, or the mean style,
// draws varied digits of that class.
//
// Both keep their configuration in Config, which is stored in the
// checkpoint (train's safetensors format) so that Load can rebuild the
// model for eval, predict and generate. Classify, Predict, Evaluate and
// Generate are safe for concurrent use (calls are serialised).
//
// # Model cards: the shipped classifiers (Pretrained)
//
// All three read 28×28 (or 8×8) images of light ink on black as columns
// of pixels, one column a step, and score 10 classes; each is at most
// 0.65 MB (float32 weights, gzip). Pretrained(name) decodes one in about
// 0.1 s. TestPretrained holds each at its floor below.
//
// "digits": the scikit-learn 8×8 digits (UCI optdigits test part, CC BY
// 4.0), embedded in datasets/images with a fixed seeded split of 1,438
// training and 359 test images. One LSTM layer of 128 units, dropout 0.5,
// 30 epochs of Adam (peak 3e-3, warm-up then cosine decay), batches of 32;
// 71,434 weights. Test accuracy 98.05% (floor 97.5%). Made by
//
//	go run ./models/imagecols train -seed 1 -model /tmp/digits.ckpt
//	go run ./models/imagecols export -model /tmp/digits.ckpt -out models/imagecols/cols/pretrained/digits.ckpt.gz
//
// "mnist": MNIST (LeCun, Cortes, Burges), 55,000 training images with
// 5,000 held out for choosing the epoch, scored on the 10,000 test images.
// A bidirectional LSTM of 128 units per direction, dropout 0.2, random
// shifts of up to 2 pixels redrawn every epoch, batches recomposed every
// epoch, 15 epochs (the last selected, validation 99.28%); 163,338
// weights. Test accuracy 99.16% (floor 99.0%). Made by (20 min on one core)
//
//	go run ./models/imagecols train -data DIR -dataset mnist -bidirectional -dropout 0.2 -augment shift2 \
//	    -epochs 15 -valid 5000 -patience 15 -model /tmp/mnist.ckpt
//	go run ./models/imagecols export -model /tmp/mnist.ckpt -out models/imagecols/cols/pretrained/mnist.ckpt.gz
//
// "fashion": Fashion-MNIST (Zalando Research, MIT licence; Debian's
// dataset-fashion-mnist), the same split and model, with left–right flips
// and shifts of up to 1 pixel, 20 epochs (the last selected, validation 90.12%).
// Test accuracy 90.03% (floor 90.0%: three test images above it). Made by
//
//	go run ./models/imagecols train -dataset fashion -bidirectional -dropout 0.2 -augment flip,shift1 \
//	    -epochs 20 -valid 5000 -patience 20 -model /tmp/fashion.ckpt
//	go run ./models/imagecols export -model /tmp/fashion.ckpt -out models/imagecols/cols/pretrained/fashion.ckpt.gz
//
// The MNIST and Fashion-MNIST runs used GOMAXPROCS=1 RNNZOO_BLAS=go:1 on
// an AMD EPYC machine; another BLAS or CPU sums in another order, and the
// last digits of the weights differ.
package cols
