// Command charlm trains, scores and samples the character language model
// of package models/charlm/lm (graph.Synced, truncated BPTT), beside a
// smoothed 5-gram baseline and, with -torch SCRIPT, the PyTorch LSTM of
// torch_baseline.py for the same time.
//
//	go run ./models/charlm                 # demo: 600 updates on the State of the Union addresses
//	go run ./models/charlm sample -prime "The Congress" -n 500   # the shipped model
//	go run ./models/charlm train -data FILE -model M -steps 5000
//
// -h lists the commands; exit codes 0, 1 (error), 2 (usage), 130 (Ctrl-C:
// the state is saved and -resume continues it).
package main
