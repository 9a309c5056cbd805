// Package plots draws the curves of a training history as PNG files with
// gonum/plot. It is apart from package train so that a program that only
// loads a model and predicts does not link the plotting code (fonts, PDF
// and LaTeX support come with gonum/plot); importing it (for its effect, a
// blank import will do) registers Write with train, so that
// train.Config.PlotDir works.
//
// Write is the whole API:
//
//	if err := plots.Write("plots", history); err != nil { … } // loss.png, accuracy.png, gradnorm.png
package plots
