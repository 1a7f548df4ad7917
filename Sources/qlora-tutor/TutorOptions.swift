import ArgumentParser

/// `[--projector] [--light] [--progress FILE]`: how the terminal tutor looks and where it keeps progress.
struct TutorOptions: ParsableArguments {
    @Flag(help: "Teacher mode: high contrast, big headings, one step per screen, presenter keys and a timer.")
    var projector = false

    @Flag(help: "Dark text on a light background (for bright rooms and light terminals).")
    var light = false

    @Option(help: ArgumentHelp("Keep progress in this file instead of $XDG_STATE_HOME/qlora-tutor/progress.json.", valueName: "file"))
    var progress: String?
}
