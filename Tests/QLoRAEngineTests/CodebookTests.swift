import Testing
@testable import QLoRAEngine

@Suite struct CodebookTests {
    @Test func nf4FromNormalQuantilesEqualsTheTable() {
        let rebuilt = NF4.fromNormalQuantiles()
        #expect(rebuilt.map(\.bitPattern) == NF4.codebook.map(\.bitPattern))
    }

    @Test func nf4IsSortedAsymmetricWithExactZero() {
        #expect(NF4.codebook == NF4.codebook.sorted())
        #expect(NF4.codebook.first == -1 && NF4.codebook.last == 1 && NF4.codebook[7] == 0)
        #expect(NF4.codebook.filter { $0 > 0 }.count == 8)
        #expect(NF4.codebook.filter { $0 < 0 }.count == 7)
    }

    @Test func fp4MatchesBitsandbytesTable() {
        let expected: [Float] = [0, 0.0052083335, 0.6666667, 1, 0.33333334, 0.5, 0.16666667, 0.25]
        #expect(Array(FP4.codebook.prefix(8)) == expected)
        #expect(Array(FP4.codebook.suffix(8)) == expected.map { 0 - $0 })
        // Code 8 is +0.0 in bitsandbytes' table (written as the integer -0 there).
        #expect(FP4.codebook[8].sign == .plus)
    }

    /// bitsandbytes' boundaries (`_get_4bit_quantize_bounds`), printed from its float32 tensors.
    @Test func midpointsAndOrderEqualBitsandbytes() {
        let nf4 = CodebookSearch(codebook: NF4.codebook)
        let nf4Bounds: [Double] = [
            -0.8480963706970215, -0.6106328964233398, -0.4599952697753906, -0.33967941999435425,
            -0.23460739850997925, -0.13791173696517944, -0.045525018125772476, 0.03979014977812767,
            0.120255246758461, 0.2035212516784668, 0.2920137643814087, 0.3893125355243683,
            0.5016634464263916, 0.6427869200706482, 0.8614784479141235,
        ]
        #expect(nf4.midpoints == nf4Bounds.map { Float($0) })
        #expect(nf4.codeAtPosition == Array(0...15))
        let fp4 = CodebookSearch(codebook: FP4.codebook)
        let fp4Bounds: [Double] = [
            -0.8333333730697632, -0.5833333730697632, -0.4166666865348816, -0.2916666865348816,
            -0.2083333432674408, -0.0859375, -0.0026041667442768812, 0.0, 0.0026041667442768812,
            0.0859375, 0.2083333432674408, 0.2916666865348816, 0.4166666865348816, 0.5833333730697632,
            0.8333333730697632,
        ]
        #expect(fp4.midpoints == fp4Bounds.map { Float($0) })
        #expect(fp4.codeAtPosition == [11, 10, 13, 12, 15, 14, 9, 0, 8, 1, 6, 7, 4, 5, 2, 3])
    }

    @Test(arguments: [
        (0.5, 0.0), (0.975, 1.959963984540054), (0.9677083, 1.8481309597573734), (0.999, 3.090232306167813),
        (1e-10, -6.361340902404056), (0.02, -2.053748910631823), (0.03, -1.880793608151251),
        (0.7, 0.5244005127080407),
    ])
    func normalQuantileMatchesScipy(probability: Double, quantile: Double) {
        let ours = NormalDistribution.quantile(probability)
        #expect(abs(ours - quantile) <= 4 * quantile.ulp.magnitude + 1e-300)
    }

    @Test func normalQuantileEdges() {
        #expect(NormalDistribution.quantile(0) == -.infinity)
        #expect(NormalDistribution.quantile(1) == .infinity)
        #expect(NormalDistribution.quantile(1.5).isNaN)
    }

    @Test func dynamicMapShape() {
        let map = DoubleQuantizedAbsmax.dynamicMap
        #expect(map.count == 256)
        #expect(map == map.sorted())
        #expect(Set(map).count == 256)
        #expect(map.contains(0) && map.last == 1)
        // The smallest magnitudes carry one fraction each: 10^-6 times the middle of [0.1, 1].
        #expect(map.contains(Float(1e-6) * 0.55))
    }

    @Test func torchLinspaceIsPinned() {
        let values = PyTorchFloat32.linspace(from: 0.1, to: 1, count: 33).map(\.bitPattern)
        #expect(values == Self.torchLinspace33)
        let integers = PyTorchFloat32.linspace(from: -3, to: 7, count: 11)
        #expect(integers == [-3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7])
        #expect(PyTorchFloat32.linspace(from: 2, to: 5, count: 1) == [2])
        #expect(PyTorchFloat32.linspace(from: 2, to: 5, count: 0) == [])
    }

    /// `torch.linspace(0.1, 1, 33, dtype=torch.float32)`; the textbook start + i·step differs at 3 of them.
    static let torchLinspace33: [UInt32] = [
        0x3DCC_CCCD, 0x3E03_3333, 0x3E20_0000, 0x3E3C_CCCD, 0x3E59_999A, 0x3E76_6666, 0x3E89_999A, 0x3E98_0000,
        0x3EA6_6666, 0x3EB4_CCCD, 0x3EC3_3333, 0x3ED1_9999, 0x3EE0_0000, 0x3EEE_6666, 0x3EFC_CCCC, 0x3F05_9999,
        0x3F0C_CCCD, 0x3F14_0000, 0x3F1B_3333, 0x3F22_6667, 0x3F29_999A, 0x3F30_CCCD, 0x3F38_0000, 0x3F3F_3333,
        0x3F46_6666, 0x3F4D_999A, 0x3F54_CCCD, 0x3F5C_0000, 0x3F63_3333, 0x3F6A_6666, 0x3F71_999A, 0x3F78_CCCD,
        0x3F80_0000,
    ]

    /// `torch.sum` on one thread of x_i = ((i·7919) mod 1000) / 997 - 0.25 in float32, for each count.
    static let torchSums: [(Int, UInt32)] = [
        (1, 0xBE80_0000), (3, 0x3F81_929E), (5, 0x3FF9_8C74), (7, 0x4023_F6C2), (8, 0x402F_C25F),
        (9, 0x4036_5AE4), (15, 0x4071_1F94), (16, 0x4089_C1DD), (17, 0x4098_5A62), (31, 0x410A_257D),
        (32, 0x410D_FE75), (33, 0x4110_8AA8), (63, 0x4172_652C), (64, 0x417C_CA57), (65, 0x4182_F15D),
        (100, 0x41C1_94AC), (127, 0x41FA_DDDA), (128, 0x41FE_9678), (129, 0x4200_D459), (1000, 0x437B_00C6),
        (4096, 0x4480_7974), (5000, 0x449C_E07B), (40000, 0x461C_E07B), (100_000, 0x46C4_189B),
    ]

    static func sumInput(count: Int) -> [Float] {
        (0..<count).map { Float(($0 * 7919) % 1000) / 997 - 0.25 }
    }

    @Test func torchSumIsPinned() {
        for (count, expected) in Self.torchSums {
            #expect(PyTorchFloat32.sum(Self.sumInput(count: count)).bitPattern == expected, "count \(count)")
        }
    }

    /// The pins matter: a plain running sum misses several of them.
    @Test func runningSumWouldDiffer() {
        let differing = Self.torchSums.filter { count, expected in
            Self.sumInput(count: count).reduce(0, +).bitPattern != expected
        }
        #expect(differing.count >= 5)
    }

    @Test func torchMeanIsSumOverCount() {
        #expect(PyTorchFloat32.mean(Self.sumInput(count: 64)).bitPattern == 0x3E7C_CA57)
        #expect(PyTorchFloat32.mean(Self.sumInput(count: 1000)).bitPattern == 0x3E80_8378)
        #expect(PyTorchFloat32.mean(Self.sumInput(count: 40000)).bitPattern == 0x3E80_8377)
    }
}
