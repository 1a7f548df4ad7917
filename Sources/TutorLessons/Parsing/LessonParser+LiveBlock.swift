import QLoRAEngine

extension LessonParser {
    /// The keys of a live block that are not section parameters.
    static let liveBlockKeys = ["id", "run", "show", "tweak", "expect"]

    /// Parses the YAML of a `qlora` fence opened on `line`.
    func parseLiveBlock(_ yaml: String, line: Int, defaultID: String, source: String) throws -> LiveBlock {
        let pairs = try LessonYAML.mapping(yaml, source: source, firstLine: line + 1, what: "a qlora block")
        let known = registry.sections.map(\.name).joined(separator: ", ")
        guard let run = pairs.first(where: { $0.key == "run" }) else {
            throw InputError("\(source):\(line)", "expected `run:` naming an engine section (one of \(known))")
        }
        let sectionName = try run.value.nonEmptyText("an engine section")
        guard let section = registry.section(named: sectionName) else {
            throw run.value.failure("unknown section `\(sectionName)`; expected one of \(known)")
        }

        var id = defaultID
        var parameters = section.defaultParameters
        var show: [String] = []
        var tweakNode: LessonYAML?
        var expectations: [Expectation] = []
        for pair in pairs {
            switch pair.key {
            case "run":
                continue
            case "id":
                id = try Self.parseID(pair.value)
            case "show":
                show = try parseShow(pair.value, section: section)
            case "tweak":
                tweakNode = pair.value
            case "expect":
                expectations = try pair.value.list("conditions").map { try parseExpectation($0, section: section) }
            default:
                if case .mapping = pair.value.node {
                    for inner in try pair.value.mapping(what: "the values of `\(pair.key)`") {
                        try assign("\(pair.key).\(inner.key)", inner.value, at: inner.keyNode, into: &parameters, section: section)
                    }
                } else {
                    try assign(pair.key, pair.value, at: pair.keyNode, into: &parameters, section: section)
                }
            }
        }
        guard !show.isEmpty else {
            let outputs = section.outputs.map(\.name).joined(separator: ", ")
            throw InputError("\(source):\(line)", "expected `show:` with what to show (some of \(outputs))")
        }
        let tweaks = try tweakNode.map { try parseTweaks($0, parameters: parameters, section: section) } ?? []
        return LiveBlock(
            id: id, line: line, section: section.name, parameters: parameters, show: show, tweaks: tweaks,
            expectations: expectations)
    }

    static func parseID(_ node: LessonYAML) throws -> String {
        let id = try node.nonEmptyText("an id")
        guard isValidID(id) else {
            throw node.failure("expected an id of letters, digits, `-`, `_` and `.`, found `\(id)`")
        }
        return id
    }

    private func assign(
        _ name: String, _ node: LessonYAML, at key: LessonYAML, into parameters: inout ParameterValues,
        section: any LessonSection
    ) throws {
        guard let spec = section.parameter(named: name) else {
            let names = section.parameters.map(\.name).joined(separator: ", ")
            throw key.failure("unknown parameter `\(name)` for section `\(section.name)`; expected one of \(names)")
        }
        guard let value = node.parameterValue() else {
            throw node.failure("expected a value for `\(name)` (\(spec.domain.description)), found \(node.shown)")
        }
        guard spec.domain.contains(value) else {
            throw node.failure("`\(name)` out of range: expected \(spec.domain.description), found \(value)")
        }
        parameters[name] = value
    }

    private func parseShow(_ node: LessonYAML, section: any LessonSection) throws -> [String] {
        let outputs = section.outputs.map(\.name)
        return try node.list("outputs to show").map { item in
            let name = try item.nonEmptyText("an output name")
            guard outputs.contains(name) else {
                throw item.failure("unknown output `\(name)` for section `\(section.name)`; expected one of \(outputs.joined(separator: ", "))")
            }
            return name
        }
    }

    /// The key that marks an expectation meant for the block's parameters as written only.
    static let atDefaultKey = "at-default"

    /// Parses one item of `expect:`: a condition, or `at-default: condition` for one that must hold
    /// at the block's parameters as written but not at every tweak.
    private func parseExpectation(_ node: LessonYAML, section: any LessonSection) throws -> Expectation {
        var conditionNode = node
        var scope = Expectation.Scope.everyTweak
        if case .mapping = node.node {
            let pairs = try node.mapping(what: "an expectation")
            guard pairs.count == 1, let pair = pairs.first, pair.key == Self.atDefaultKey else {
                let key = pairs.first { $0.key != Self.atDefaultKey }?.keyNode ?? node
                throw key.failure("expected a condition, or `\(Self.atDefaultKey): condition` for one that holds only at the block's parameters as written")
            }
            conditionNode = pair.value
            scope = .atDefault
        }
        let text = try conditionNode.nonEmptyText("a condition")
        let condition: Expression
        do {
            condition = try Expression.parse(text, names: section.expressionNames, kind: .boolean)
        } catch {
            throw conditionNode.failure("in `\(text)`, column \(error.column): \(error.message)")
        }
        if let given = section.givenError(in: condition) { throw conditionNode.failure("in `\(text)`: \(given)") }
        return Expectation(text: text, line: conditionNode.line, condition: condition, scope: scope)
    }

    /// `tweak: [a, b]` lets the learner choose any value of the section's own domain for each name;
    /// `tweak: {a: [1, 2], b: {from: 1, to: 9, step: 2}}` narrows the choice.
    private func parseTweaks(_ node: LessonYAML, parameters: ParameterValues, section: any LessonSection) throws -> [Tweak] {
        var entries: [(name: String, key: LessonYAML, allowed: LessonYAML?)] = []
        if case .mapping = node.node {
            entries = try node.mapping(what: "tweaks").map { ($0.key, $0.keyNode, $0.value) }
        } else {
            entries = try node.list("parameters to tweak").map { (try $0.nonEmptyText("a parameter name"), $0, nil) }
        }
        var seen: Set<String> = []
        return try entries.map { entry in
            guard let spec = section.parameter(named: entry.name) else {
                let names = section.parameters.map(\.name).joined(separator: ", ")
                throw entry.key.failure("unknown parameter `\(entry.name)` for section `\(section.name)`; expected one of \(names)")
            }
            guard seen.insert(entry.name).inserted else {
                throw entry.key.failure("`\(entry.name)` is tweaked twice; expected each parameter once")
            }
            let allowed = try entry.allowed.map { try parseDomain($0, for: spec) } ?? spec.domain
            guard allowed.steppedValues != nil else {
                throw entry.key.failure("`\(entry.name)` takes \(spec.domain.description); expected the values a learner may pick, such as `\(entry.name): {from: 1, to: 10, step: 1}`")
            }
            if let value = parameters[entry.name], !allowed.contains(value) {
                throw entry.key.failure("the block's own `\(entry.name)` (\(value)) is not among the values allowed: \(allowed.description)")
            }
            return Tweak(parameter: entry.name, allowed: allowed)
        }
    }

    private func parseDomain(_ node: LessonYAML, for spec: ParameterSpec) throws -> ParameterDomain {
        let domain: ParameterDomain
        switch node.node {
        case .mapping:
            var bounds: [String: Double] = [:]
            for pair in try node.mapping(what: "a range") {
                guard ["from", "to", "step"].contains(pair.key) else {
                    throw pair.keyNode.failure("unknown key `\(pair.key)` in a range; expected from, to, step")
                }
                bounds[pair.key] = try pair.value.number("`\(pair.key)`")
            }
            guard let from = bounds["from"], let to = bounds["to"], from <= to else {
                throw node.failure("expected a range as `{from: low, to: high, step: size}` with low <= high")
            }
            if let step = bounds["step"], step <= 0 { throw node.failure("expected a positive `step`") }
            domain = .range(from...to, step: bounds["step"])
        default:
            let values = try node.list("allowed values").map { item in
                guard let value = item.parameterValue() else { throw item.failure("expected a value, found \(item.shown)") }
                guard spec.domain.contains(value) else {
                    throw item.failure("`\(spec.name)` out of range: expected \(spec.domain.description), found \(value)")
                }
                return value
            }
            let numbers = values.compactMap { if case .number(let number) = $0 { number } else { nil } }
            let words = values.compactMap { if case .word(let word) = $0 { word } else { nil } }
            domain = numbers.isEmpty ? .choices(words) : .numbers(numbers)
            guard numbers.isEmpty || words.isEmpty, !values.isEmpty else {
                throw node.failure("expected a list of numbers or a list of words")
            }
        }
        guard domain.isInside(spec.domain) else {
            throw node.failure("`\(spec.name)` out of range: the section takes \(spec.domain.description)")
        }
        return domain
    }
}
