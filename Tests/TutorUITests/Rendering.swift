@testable import TutorUI

/// Draws a widget into a fresh screen of the given size.
func render(_ widget: some Widget, width: Int, height: Int) -> Screen {
    var screen = Screen(width: width, height: height)
    widget.draw(in: screen.bounds, on: &screen)
    return screen
}

/// The sizes every widget must survive, tiny ones included.
let awkwardSizes: [(Int, Int)] = [(0, 0), (1, 1), (2, 1), (1, 3), (5, 2), (7, 7), (20, 4), (80, 24), (240, 70)]
