import Testing
@testable import QLoRAEngine

@Suite struct NotebookMemoryTableTests {
    @Test func formulaTotalsAreTheNotebooks() {
        #expect(NotebookMemoryTable(.full).formulaBytes == 112_000_000_000)
        #expect(NotebookMemoryTable(.lora).formulaBytes == 14_560_000_000)
        #expect(NotebookMemoryTable(.qlora).formulaBytes == 4_060_000_000)
        #expect(NotebookMemoryTable.Kind.allCases.map { NotebookMemoryTable($0).tableGigabytes } == [28, 14, 5])
    }

    /// The table's 28 GB is exactly the first term of its own formula: fp32 weights.
    @Test func fullRowIsTheFp32WeightsAlone() throws {
        let row = NotebookMemoryTable(.full)
        let weights = try #require(row.formulaTerms.first)
        #expect(weights.name == "fp32 weights")
        #expect(weights.bytes == row.tableGigabytes * 1_000_000_000)
    }

    @Test func reasonsGiveOurNumbers() throws {
        let model = try ModelArchitecture.named("llama-2-7b")
        let full = try MemoryEstimate(.init(model: model, method: .fullMixedPrecision))
        let fullReason = NotebookMemoryTable.reason(comparedWith: full)
        #expect(fullReason.contains("fp32 weights alone"))
        #expect(fullReason.contains("112.00 GB"))
        #expect(fullReason.contains("is 16 bytes per parameter"))
        #expect(fullReason.contains("107.81 GB before activations"))

        let qlora = try MemoryEstimate(.init(model: model, method: .qlora(.init())))
        let qloraReason = NotebookMemoryTable.reason(comparedWith: qlora)
        #expect(qloraReason.contains("4.127 bits"))
        #expect(qloraReason.contains("4194304 values"))

        let lora = try MemoryEstimate(.init(model: model, method: .lora))
        #expect(NotebookMemoryTable.reason(comparedWith: lora).contains("13.48 GB"))
    }

    @Test func rowsFollowTheMethod() {
        #expect(NotebookMemoryTable(comparingWith: .fullFP32).kind == .full)
        #expect(NotebookMemoryTable(comparingWith: .qlora(.init())).kind == .qlora)
    }
}
