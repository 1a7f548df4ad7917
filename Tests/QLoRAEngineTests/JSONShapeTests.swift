import Foundation
import QLoRAEngine
import Testing

@Suite struct JSONShapeTests {
    private func shape(_ json: String, keys: Int = .max, values: Int = .max) -> JSONShape {
        JSONShape(Data(json.utf8), maximumTopLevelKeys: keys, maximumValues: values)
    }

    @Test func aWellFormedDocumentHasNoProblem() {
        let scan = shape(#"{"a": {"b": [1, 2, {"b": true}], "c": "x,}\"y"}, "b": null, "d": -1.5e3}"#)
        #expect(scan.problem == nil)
        #expect(scan.topLevelKeys == 3)
    }

    @Test func aDuplicateKeyIsFoundWithItsPathEvenWhenEscaped() {
        #expect(shape(#"{"a": 1, "\u0061": 2}"#).problem == .duplicateKey("a", path: []))
        #expect(shape(#"{"l": [{"x": 1}, {"y": {"k": 1, "k": 2}}]}"#).problem == .duplicateKey("k", path: ["l", "[]", "y"]))
        #expect(shape(#"{"v": "a", "w": "a"}"#).problem == nil, "equal values are not keys")
    }

    @Test func stopsAtTheLimits() {
        #expect(shape(#"{"a": 1, "b": 2, "c": 3}"#, keys: 2).problem == .tooManyTopLevelKeys(limit: 2))
        #expect(shape(#"{"a": [1, 2, 3, 4]}"#, values: 4).problem == .tooManyValues(limit: 4))
        #expect(shape(#"{"a": {"b": 1, "c": 2, "d": 3}}"#, keys: 1).problem == nil, "only the outermost keys count")
        #expect(JSONShape(Data(#"{"ab": "cdef"}"#.utf8), maximumStringBytes: 5).problem == .tooMuchText(limit: 5))
        #expect(JSONShape(Data(#"{"ab": "cd"}   "#.utf8), maximumStringBytes: 4).problem == nil, "white space is not text")
    }

    /// A flat object of many keys is scanned in one pass; its key set is never copied per key.
    @Test(.timeLimit(.minutes(1))) func aLargeObjectScansInLinearTime() {
        let json = "{" + (0..<200_000).map { #""k\#($0)":0"# }.joined(separator: ",") + "}"
        #expect(shape(json).topLevelKeys == 200_000)
    }
}
