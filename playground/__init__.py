"""Backprop Playground: watch a two-layer network learn by back-propagation."""

__version__ = "0.1.0"
#: Reverse-DNS id: the .desktop file's name (Wayland matches windows to it), the AppStream
#: component and the macOS bundle id.  It follows the project's GitHub address.
APP_ID = "io.github.backprop_playground.BackpropPlayground"
