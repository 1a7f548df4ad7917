import Foundation
import QLoRAEngine
import Testing

/// Every kind of bad input ends in one line on standard error that names the file or flag, and exit status 2.
@Suite struct BadInputTests {
    /// One bad invocation: how to build it in a scratch folder, and how the error line must start.
    struct Case: Sendable, CustomTestStringConvertible {
        var label: String
        var arguments: @Sendable (ScratchFolder) throws -> [String]
        /// The start of the line after `qlora-tutor: `, with `$DIR` standing for the scratch folder.
        var expected: String
        var testDescription: String { label }

        /// Runs the case in a fresh scratch folder: exit status 2, nothing on standard output, and
        /// one line on standard error that starts as `expected` says.
        func expectOneLineAndStatusTwo() throws {
            let folder = try ScratchFolder()
            let result = try CommandRunner.run(try arguments(folder))
            #expect(result.status == 2)
            let lines = result.standardError.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
            #expect(lines.count == 1, "\(result.standardError)")
            let prefix = "qlora-tutor: " + expected.replacingOccurrences(of: "$DIR", with: folder.url.path)
            #expect(result.standardError.hasPrefix(prefix), "\(result.standardError)")
            #expect(result.standardOutput.isEmpty)
        }
    }

    static func npy(_ values: [Float], shape: [Int]? = nil) -> Data {
        NumpyFile.encode(StoredArray(float32: values, shape: shape ?? [values.count]))
    }

    static func safetensors(_ header: String, data: Data = Data(), declaredLength: UInt64? = nil) -> Data {
        var bytes = Data()
        withUnsafeBytes(of: (declaredLength ?? UInt64(header.utf8.count)).littleEndian) { bytes.append(contentsOf: $0) }
        return bytes + Data(header.utf8) + data
    }

    /// Replaces `old` with `new` (of the same length) in a file's bytes.
    static func patch(_ bytes: Data, _ old: String, _ new: String) -> Data {
        guard let range = bytes.range(of: Data(old.utf8)) else { return bytes }
        var patched = bytes
        patched.replaceSubrange(range, with: Data(new.utf8))
        return patched
    }

    static let nf4 = ["--type", "nf4"]

    static let cases: [Case] = [
        Case(label: "a report output that is a learner's progress file", arguments: { scratch in
                 let progress = try scratch.file("ada.json", Data(#"{"format": "qlora-tutor-progress", "version": 1, "learner": "ada", "created": "2027-01-15T08:00:00Z", "updated": "2027-01-15T08:00:00Z", "lessons": {}}"#.utf8))
                 return ["--check", "--answers", progress, "--output", progress]
             }, expected: "--output $DIR/ada.json: is one of the progress files being graded"),
        Case(label: "a report output in no folder", arguments: { scratch in ["--check", "--output", scratch.path("none/report.txt")] },
             expected: "--output $DIR/none/report.txt: is in a folder that does not exist"),
        Case(label: "a lesson with an empty step", arguments: { _ in ["run", "01-numbers-and-bytes:"] },
             expected: "01-numbers-and-bytes:: expected a step from 1 to "),
        Case(label: "a report output that is a folder", arguments: { scratch in ["--check", "--output", scratch.url.path] },
             expected: "--output $DIR: is a folder; expected a file path for the report"),
        Case(label: "missing file", arguments: { _ in ["quantize", "/no/such/w.npy"] + nf4 }, expected: "/no/such/w.npy: no such file"),
        Case(label: "truncated .npy", arguments: { try ["quantize", $0.file("w.npy", npy([1, 2, 3, 4]).dropLast(3))] + nf4 },
             expected: "$DIR/w.npy: holds 13 bytes of data; expected 16"),
        Case(label: "unknown format", arguments: { try ["quantize", $0.file("w.txt", Data("1 2 3".utf8))] + nf4 },
             expected: "$DIR/w.txt: has an extension the tool does not read"),
        Case(label: "float64 .npy", arguments: { try ["quantize", $0.file("w.npy", patch(patch(npy([1, 2, 3, 4]), "<f4", "<f8"), "(4,)", "(2,)"))] + nf4 },
             expected: "$DIR/w.npy: has dtype '<f8'"),
        Case(label: "NaN", arguments: { try ["quantize", $0.file("w.npy", npy([1, .nan, 3]))] + nf4 },
             expected: "$DIR/w.npy: expected finite values"),
        Case(label: "infinity in float16", arguments: {
                 try ["quantize", $0.file("w.safetensors", SafetensorsFile.encode(["h": StoredArray(elementType: .float16, shape: [2], bytes: Data([0, 0x3C, 0, 0x7C]))])), "--type", "int8"]
             }, expected: "$DIR/w.safetensors: h: expected finite values"),
        Case(label: "empty tensor", arguments: { try ["quantize", $0.file("w.npy", npy([], shape: [0, 3]))] + nf4 },
             expected: "$DIR/w.npy: expected at least one value"),
        Case(label: "blocksize bitsandbytes refuses", arguments: { try ["quantize", $0.file("w.npy", npy([1, 2])), "--blocksize", "100"] + nf4 },
             expected: "--blocksize: expected one of 32, 64, 128, 256, 512, 1024, 2048, 4096, got 100"),
        Case(label: "double quantization of int8", arguments: { try ["quantize", $0.file("w.npy", npy([1, 2])), "--type", "int8", "--double-quant"] },
             expected: "--double-quant: applies to nf4 and fp4 only"),
        Case(label: "integer blocksize below the minimum", arguments: { try ["quantize", $0.file("w.npy", npy([1, 2])), "--type", "int8", "--blocksize", "1"] },
             expected: "--blocksize: expected at least 16 for int8, got 1"),
        Case(label: "blocksize for minmax4", arguments: { try ["quantize", $0.file("w.npy", npy([1, 2])), "--type", "minmax4", "--blocksize", "64"] },
             expected: "--blocksize: minmax4 uses one range"),
        Case(label: "--tensor for a .npy", arguments: { try ["quantize", $0.file("w.npy", npy([1, 2])), "--tensor", "x"] + nf4 },
             expected: "--tensor: 'x' given, but"),
        Case(label: "unknown tensor name", arguments: {
                 try ["quantize", $0.file("m.safetensors", SafetensorsFile.encode(["a": StoredArray(float32: [1], shape: [1])])), "--tensor", "b"] + nf4
             }, expected: "$DIR/m.safetensors: has no tensor 'b'; expected one of: a"),
        Case(label: "several tensors, no --tensor", arguments: {
                 try ["quantize", $0.file("m.safetensors", SafetensorsFile.encode(["a": StoredArray(float32: [1], shape: [1]), "b": StoredArray(float32: [2], shape: [1])]))] + nf4
             }, expected: "$DIR/m.safetensors: holds 2 tensors; expected --tensor NAME, one of: a, b"),
        Case(label: "codes are not a float tensor", arguments: {
                 try ["quantize", $0.file("m.safetensors", SafetensorsFile.encode(["c": StoredArray(uint8: [1], shape: [1])]))] + nf4
             }, expected: "$DIR/m.safetensors: c: holds uint8 values"),
        Case(label: "header length past the end", arguments: { try ["inspect", $0.file("m.safetensors", safetensors("{}", declaredLength: 1 << 40))] },
             expected: "$DIR/m.safetensors: header length 1099511627776 runs past the end of the file (2 bytes after it)"),
        Case(label: "an .npy file read as safetensors", arguments: { try ["inspect", $0.file("m.safetensors", npy([1, 2]))] },
             expected: "$DIR/m.safetensors: header length 379"),
        Case(label: "truncated safetensors", arguments: { try ["inspect", $0.file("m.safetensors", safetensors("{}", declaredLength: 64))] },
             expected: "$DIR/m.safetensors: header length 64 runs past the end of the file (2 bytes after it)"),
        Case(label: "offsets past the file", arguments: {
                 try ["inspect", $0.file("m.safetensors", safetensors(#"{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#, data: Data(count: 8)))]
             }, expected: "$DIR/m.safetensors: tensor 'w' data_offsets [0, 16] runs past the end"),
        Case(label: "overlapping offsets", arguments: {
                 try ["inspect", $0.file("m.safetensors", safetensors(#"{"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]},"b":{"dtype":"U8","shape":[4],"data_offsets":[2,6]}}"#, data: Data(count: 6)))]
             }, expected: "$DIR/m.safetensors: tensor 'b' data_offsets [2, 6] overlaps"),
        Case(label: "offsets disagree with dtype and shape", arguments: {
                 try ["inspect", $0.file("m.safetensors", safetensors(#"{"w":{"dtype":"BF16","shape":[3],"data_offsets":[0,4]}}"#, data: Data(count: 4)))]
             }, expected: "$DIR/m.safetensors: tensor 'w' data_offsets [0, 4] spans 4 bytes; expected 6"),
        Case(label: "shape product overflows", arguments: {
                 try ["inspect", $0.file("m.safetensors", safetensors(#"{"w":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,0]}}"#))]
             }, expected: "$DIR/m.safetensors: tensor 'w': shape [4294967296, 4294967296] of F32 overflows"),
        Case(label: "dtype not read", arguments: {
                 try ["inspect", $0.file("m.safetensors", safetensors(#"{"w":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}"#, data: Data(count: 8)))]
             }, expected: "$DIR/m.safetensors: tensor 'w' has dtype I64; expected one of F32, F16, BF16, U8, I8"),
        Case(label: "4-bit weight with the wrong absmax count", arguments: { folder in
                 var arrays = BitsandbytesCheckpoint.arrays(for: try FourBitQuantized(quantizing: Tensor(shape: [100], repeating: 1), type: .nf4), named: "W")
                 arrays["W.absmax"] = StoredArray(float32: [1], shape: [1])
                 return ["inspect", try folder.file("q.safetensors", SafetensorsFile.encode(arrays))]
             }, expected: "$DIR/q.safetensors: 4-bit weight 'W': absmax: expected 2 values"),
        Case(label: "4-bit weight with a foreign codebook", arguments: { folder in
                 var arrays = BitsandbytesCheckpoint.arrays(for: try FourBitQuantized(quantizing: Tensor(shape: [8], repeating: 1), type: .fp4), named: "W")
                 arrays["W.quant_map"] = StoredArray(float32: NF4.codebook, shape: [16])
                 return ["inspect", try folder.file("q.safetensors", SafetensorsFile.encode(arrays))]
             }, expected: "$DIR/q.safetensors: 4-bit weight 'W': quant_map differs from the FP4 codebook"),
        Case(label: "a dtype holding a newline", arguments: {
                 try ["inspect", $0.file("m.safetensors", safetensors(#"{"w":{"dtype":"BF16\n","shape":[1],"data_offsets":[0,2]}}"#, data: Data(count: 2)))]
             }, expected: "$DIR/m.safetensors: tensor 'w' has dtype BF16\\n; expected one of"),
        Case(label: "a tensor name holding a newline", arguments: {
                 try ["quantize", $0.file("m.safetensors", SafetensorsFile.encode(["w\nx": StoredArray(float32: [1], shape: [1])])), "--tensor", "y"] + nf4
             }, expected: "$DIR/m.safetensors: has no tensor 'y'; expected one of: w\\nx"),
        Case(label: "a model name ending in a newline", arguments: { _ in ["memory", "--model", "llama-2-7b\n"] },
             expected: "--model: unknown model 'llama-2-7b\\n'"),
        Case(label: "more tensors than a header may list", arguments: {
                 // One key more than the tensors and `__metadata__` together: refused before decoding.
                 let entries = (0...SafetensorsFile.maximumTensors + 1).map { #""t\#($0)":0"# }.joined(separator: ",")
                 return ["inspect", try $0.file("m.safetensors", safetensors("{" + entries + "}"))]
             }, expected: "$DIR/m.safetensors: header lists more than 100000 tensors; expected at most 100000"),
        Case(label: "metadata of more than 16 MiB", arguments: {
                 let note = String(repeating: "a", count: SafetensorsFile.maximumHeaderText)
                 return ["inspect", try $0.file("m.safetensors", safetensors(#"{"__metadata__":{"note":"\#(note)"}}"#))]
             }, expected: "$DIR/m.safetensors: header has more than 16777216 bytes of strings; expected at most 16777216"),
        Case(label: "a tensor name given twice", arguments: {
                 try ["inspect", $0.file("m.safetensors", safetensors(#"{"w":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"w":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}"#, data: Data(count: 2)))]
             }, expected: #"$DIR/m.safetensors: header has the key "w" twice in one object; expected each key once"#),
        Case(label: "many tensors, no --tensor", arguments: {
                 let arrays = Dictionary(uniqueKeysWithValues: (0..<12).map { (String(format: "t%02d", $0), StoredArray(float32: [1], shape: [1])) })
                 return ["quantize", try $0.file("m.safetensors", SafetensorsFile.encode(arrays))] + nf4
             }, expected: "$DIR/m.safetensors: holds 12 tensors; expected --tensor NAME, one of: t00, t01, t02, t03, t04, t05, t06, t07, t08, t09, … (12 in all)"),
        Case(label: "unwritable --out", arguments: { try ["quantize", $0.file("w.npy", npy([1, 2])), "--out", "/no/such/dir/q.safetensors"] + nf4 },
             expected: "/no/such/dir/q.safetensors: cannot be written"),
    ]

    @Test(arguments: cases)
    func exitsWithStatusTwoAndOneLine(_ badCase: Case) throws {
        try badCase.expectOneLineAndStatusTwo()
    }

    @Test func theFormatComesFromTheFileNameAlone() throws {
        let folder = try ScratchFolder()
        let dotted = folder.url.appendingPathComponent("a.npy")
        try FileManager.default.createDirectory(at: dotted, withIntermediateDirectories: true)
        let array = Self.npy([1, 2, 3, 4])
        try array.write(to: dotted.appendingPathComponent("weights"))
        try array.write(to: dotted.appendingPathComponent("npy"))
        try array.write(to: dotted.appendingPathComponent("w.NPY"))
        for name in ["weights", "npy"] {
            let result = try CommandRunner.run(["quantize", name] + Self.nf4, in: dotted)
            #expect(result.status == 2)
            #expect(result.standardError.hasPrefix("qlora-tutor: \(name): has an extension the tool does not read"), "\(result.standardError)")
        }
        let inside = try CommandRunner.run(["quantize", dotted.appendingPathComponent("w.NPY").path] + Self.nf4)
        #expect(inside.status == 0, "\(inside.standardError)")
    }

    /// Which of several overlapping tensors an error names used to change from run to run.
    @Test func overlappingOffsetsNameTheSameTensorEveryRun() throws {
        let folder = try ScratchFolder()
        let entries = ["c", "a", "d", "b"].map { #""\#($0)":{"dtype":"U8","shape":[4],"data_offsets":[0,4]}"# }.joined(separator: ",")
        let file = try folder.file("m.safetensors", Self.safetensors("{" + entries + "}", data: Data(count: 4)))
        let messages = try (0..<4).map { _ in try CommandRunner.run(["inspect", file]).standardError }
        #expect(Set(messages).count == 1)
        #expect(messages[0].contains("tensor 'b' data_offsets [0, 4] overlaps"), "\(messages[0])")
    }

    @Test func anUnknownTypeIsAUsageError() throws {
        let result = try CommandRunner.run(["quantize", "w.npy", "--type", "nf5"])
        #expect(result.status == 2)
        #expect(result.standardError.contains("--type"))
    }
}
