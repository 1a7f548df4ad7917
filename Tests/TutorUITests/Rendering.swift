import Testing
@testable import TutorUI

/// Draws a widget into a fresh screen of the given size.
func render(_ widget: some Widget, width: Int, height: Int) -> Screen {
    var screen = Screen(width: width, height: height)
    widget.draw(in: screen.bounds, on: &screen)
    return screen
}

/// The sizes every widget must survive, tiny ones included.
let awkwardSizes: [(Int, Int)] = [(0, 0), (1, 1), (2, 1), (1, 3), (5, 2), (7, 7), (20, 4), (80, 24), (240, 70)]

/// Draws `widget` at `width` x `height` and checks what every size must give: exactly `height`
/// lines, none wider than `width`, and, where the screen has room (80 x 24 and up), `label`
/// somewhere on it, so a widget that draws nothing at all fails.
func expectDrawsAtAnySize(
    _ widget: some Widget, width: Int, height: Int, showing label: String, sourceLocation: SourceLocation = #_sourceLocation
) {
    let lines = render(widget, width: width, height: height).lines
    #expect(lines.count == height, sourceLocation: sourceLocation)
    #expect(lines.allSatisfy { $0.count <= width }, sourceLocation: sourceLocation)
    if width >= 80 && height >= 24 {
        #expect(lines.contains { $0.contains(label) }, "`\(label)` is drawn", sourceLocation: sourceLocation)
    }
}
