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
// MODELCARDS
package cols
