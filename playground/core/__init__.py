"""Qt-free training core: configuration, data, models, the loop and its statistics.

Nothing under ``playground.core`` may import Qt or pyqtgraph; a test enforces it.
"""
