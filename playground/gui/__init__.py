"""The Qt layer: window, panels and the controller that runs training in a worker thread."""
