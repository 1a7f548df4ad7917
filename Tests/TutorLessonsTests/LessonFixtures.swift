import Foundation
@testable import TutorLessons

/// Small lessons written for the tests, and the authoring mistakes the parser must catch.
enum LessonFixtures {
    /// The text of the lesson guide, `Lessons/README.md`, which the course does not embed.
    static func guideText() throws -> String {
        let guide = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Lessons/README.md").standardized
        return try String(contentsOf: guide, encoding: .utf8)
    }

    /// A valid lesson that uses every block kind; line numbers matter to the tests.
    static let valid = """
        ---
        title: Test lesson
        section: quantizer
        ---

        # Test lesson

        Opening text.

        ## First step

        ```qlora
        id: block
        run: quantize
        matrix: {rows: 8, cols: 16, std: 0.02, seed: 3}
        type: nf4
        blocksize: 32
        show: [stats, error]
        tweak:
          type: [nf4, fp4]
          matrix.seed: {from: 1, to: 5, step: 1}
        expect:
          - bits_per_param == 4 + 32 / 32
          - mse < 1
        ```

        ## Second step

        ```qlora-quiz
        id: levels
        ask: How many *levels*?
        answer: 16
        hint: Four bits.
        ```

        ```qlora-quiz
        id: kind
        ask: Which?
        choices: [NF4, FP4]
        answer: nf4
        ```

        ```qlora-quiz
        id: bits
        ask: Bits per weight?
        compute: bits_per_param
        from: block
        within: 0.01
        ```
        """

    /// A lesson around one fenced block, which starts on line 6.
    static func withBlock(_ body: String, kind: String = "qlora") -> String {
        "---\ntitle: T\nsection: s\n---\n\n```\(kind)\n\(body)\n```\n"
    }

    /// A lesson with a live block `above` (line 6), a quiz (opened on line 12, its body from line
    /// 13), and a live block `below` after it, with `between` (such as a `##` heading) before that.
    static func withPrediction(_ quiz: String, between: String = "") -> String {
        "---\ntitle: T\nsection: s\n---\n\n```qlora\nid: above\nrun: quantize\nshow: [stats]\n```\n\n"
            + "```qlora-quiz\n\(quiz)\n```\n\n\(between)```qlora\nid: below\nrun: quantize\nshow: [stats]\n```\n"
    }

    /// Each authoring mistake, the line it must be reported on, and words the message must contain.
    static let mistakes: [(name: String, text: String, line: Int, message: String)] = [
        ("no front matter", "# Title\n", 1, "expected front matter"),
        ("unclosed front matter", "---\ntitle: T\n", 1, "not closed"),
        ("front matter not YAML", "---\ntitle: T\nsection: [s\n---\n", 3, "expected valid YAML"),
        ("unknown front matter key", "---\ntitle: T\nsection: s\nauthor: me\n---\ntext\n", 4, "unknown front matter key `author`"),
        ("front matter without title", "---\nsection: s\n---\ntext\n", 1, "no `title:`"),
        ("unknown section", withBlock("run: quantise\nshow: [stats]"), 7, "unknown section `quantise`"),
        ("no run", withBlock("show: [stats]"), 6, "expected `run:`"),
        ("unknown parameter", withBlock("run: quantize\nbits: 4\nshow: [stats]"), 8, "unknown parameter `bits`"),
        ("unknown matrix parameter", withBlock("run: quantize\nmatrix: {rows: 4, colour: red}\nshow: [stats]"), 8, "unknown parameter `matrix.colour`"),
        ("value out of range", withBlock("run: quantize\nblocksize: 48\nshow: [stats]"), 8, "`blocksize` out of range"),
        ("matrix value out of range", withBlock("run: quantize\nmatrix:\n  rows: 100000\nshow: [stats]"), 9, "`matrix.rows` out of range"),
        ("tweak outside the domain", withBlock("run: quantize\nshow: [stats]\ntweak:\n  blocksize: [64, 48]"), 10, "`blocksize` out of range"),
        ("tweak excluding the block's value", withBlock("run: quantize\nshow: [stats]\ntweak:\n  blocksize: [128, 256]"), 10, "not among the values allowed"),
        ("tweak of a range without steps", withBlock("run: quantize\nshow: [stats]\ntweak: [matrix.std]"), 9, "expected the values a learner may pick"),
        ("unknown output", withBlock("run: quantize\nshow: [stats, picture]"), 8, "unknown output `picture`"),
        ("no show", withBlock("run: quantize"), 6, "expected `show:`"),
        ("expression that does not parse", withBlock("run: quantize\nshow: [stats]\nexpect:\n  - mse < < 1"), 10, "column 7"),
        ("expression naming an unknown result", withBlock("run: quantize\nshow: [stats]\nexpect:\n  - sqnr < 1"), 10, "unknown result `sqnr`"),
        ("unterminated fence", "---\ntitle: T\nsection: s\n---\n\n```qlora\nrun: quantize\n", 6, "unterminated fence"),
        ("quiz without an answer", withBlock("id: q\nask: Why?", kind: "qlora-quiz"), 6, "has no answer"),
        ("quiz without an id", withBlock("ask: Why?\nanswer: 1", kind: "qlora-quiz"), 6, "no `id:`"),
        ("quiz answer not a number", withBlock("id: q\nask: Why?\nanswer: sixteen", kind: "qlora-quiz"), 9, "expected a number"),
        ("quiz answer not a choice", withBlock("id: q\nask: Why?\nchoices: [a, b]\nanswer: c", kind: "qlora-quiz"), 10, "one of the choices"),
        ("computed answer without a block", withBlock("id: q\nask: Why?\ncompute: mse", kind: "qlora-quiz"), 9, "expected a live block above"),
        ("unknown quiz key", withBlock("id: q\nask: Why?\nanswer: 1\nreason: no", kind: "qlora-quiz"), 10, "unknown quiz key `reason`"),
        ("empty presenter notes", withBlock("", kind: "qlora-notes"), 6, "empty `qlora-notes` block"),
        ("unknown block kind", withBlock("id: q", kind: "qlora-quizz"), 6, "unknown block kind `qlora-quizz`"),
        ("duplicate key", withBlock("run: quantize\ntype: nf4\ntype: fp4\nshow: [stats]"), 9, "duplicate key `type`"),
        (
            "duplicate id",
            "---\ntitle: T\nsection: s\n---\n\n```qlora-quiz\nid: q\nask: A?\nanswer: 1\n```\n\n```qlora-quiz\nid: q\nask: B?\nanswer: 2\n```\n",
            12, "duplicate id `q`"
        ),
        ("empty lesson", "---\ntitle: T\nsection: s\n---\n", 5, "found nothing"),
        ("tweak range too fine to step through", withBlock("run: quantize\nshow: [stats]\ntweak:\n  matrix.std: {from: 0.001, to: 10, step: 1e-300}"), 10, "expected the values a learner may pick"),
        ("a file to read", withBlock("run: quantize\nfile: /etc/passwd\nshow: [stats]"), 8, "unknown parameter `file`"),
        ("an expectation under another key", withBlock("run: quantize\nshow: [stats]\nexpect:\n  - at-defaults: mse < 1"), 10, "`at-default: condition`"),
        ("an expectation with two keys", withBlock("run: quantize\nshow: [stats]\nexpect:\n  - {at-default: mse < 1, why: x}"), 10, "`at-default: condition`"),
        ("an at-default expectation naming a given", withBlock("run: quantize\nshow: [stats]\nexpect:\n  - at-default: levels == 16"), 10, "`levels` is a given"),
        ("an at-default expectation that does not parse", withBlock("run: quantize\nshow: [stats]\nexpect:\n  - at-default: mse <"), 10, "column"),
        ("a prediction of a block above the quiz", withPrediction("id: q\nask: A?\npredict: above\ncompute: mse"), 15, "is above the quiz"),
        ("a prediction of an unknown block", withPrediction("id: q\nask: A?\npredict: nowhere\ncompute: mse"), 15, "unknown live block `nowhere`; expected the id of a live block below the quiz in the same step (below)"),
        ("a prediction of a block in the next step", withPrediction("id: q\nask: A?\npredict: below\ncompute: mse", between: "## Next\n\n"), 15, "(none there)"),
        ("a prediction with from", withPrediction("id: q\nask: A?\npredict: below\nfrom: above\ncompute: mse"), 16, "`from:` names a block above the quiz and `predict:` one below it"),
        ("a prediction without compute", withPrediction("id: q\nask: A?\npredict: below\nanswer: 3"), 15, "expected `compute:`"),
        ("a prediction with choices", withPrediction("id: q\nask: A?\npredict: below\nchoices: [a, b]\ncompute: mse"), 17, "expected no `choices:`"),
        ("a prediction naming an unknown result", withPrediction("id: q\nask: A?\npredict: below\ncompute: sqnr"), 16, "unknown result `sqnr`"),
    ]
}
