"""Backprop Playground: watch a two-layer network learn by back-propagation."""

__version__ = "0.1.0"
