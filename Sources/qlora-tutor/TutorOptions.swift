import ArgumentParser

/// `[--projector | --presenter] [--light] [--progress FILE]`: how the terminal tutor looks and where it keeps progress.
struct TutorOptions: ParsableArguments {
    mutating func validate() throws {
        if projector && presenter {
            throw ValidationError("--projector and --presenter go in two terminals: run one in each")
        }
    }

    @Flag(help: "Teacher mode: high contrast, big headings, one step per screen, presenter keys and a timer.")
    var projector = false

    @Flag(help: "The teacher's screen: follows `--projector` in another terminal on this machine with notes, checks and what comes next.")
    var presenter = false

    @Flag(help: "Dark text on a light background (for bright rooms and light terminals).")
    var light = false

    @Option(help: ArgumentHelp("Keep progress in this file instead of $XDG_STATE_HOME/qlora-tutor/progress.json.", valueName: "file"))
    var progress: String?
}
