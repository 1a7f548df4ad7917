import CQLoRAKernels
import Testing
@testable import QLoRAEngine

@Suite struct MatrixMultiplyTests {
    /// The textbook triple loop in double precision, reading operands as `multiply` does.
    static func reference(_ a: [Float], _ aShape: (Int, Int), transposeA: Bool,
                          _ b: [Float], _ bShape: (Int, Int), transposeB: Bool) -> [Double] {
        let (m, k) = transposeA ? (aShape.1, aShape.0) : aShape
        let n = transposeB ? bShape.0 : bShape.1
        var c = [Double](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var sum = 0.0
                for p in 0..<k {
                    let aValue = transposeA ? a[p * aShape.1 + i] : a[i * aShape.1 + p]
                    let bValue = transposeB ? b[j * bShape.1 + p] : b[p * bShape.1 + j]
                    sum += Double(aValue) * Double(bValue)
                }
                c[i * n + j] = sum
            }
        }
        return c
    }

    static func product(_ a: [Float], _ aShape: (Int, Int), transposeA: Bool,
                        _ b: [Float], _ bShape: (Int, Int), transposeB: Bool,
                        scale: Float = 1, initial: [Float]? = nil, threads: Int = 1) -> [Float] {
        let m = transposeA ? aShape.1 : aShape.0
        let n = transposeB ? bShape.0 : bShape.1
        var c = initial ?? [Float](repeating: .nan, count: m * n)
        var panels = [Float](repeating: 0, count: MatrixMultiply.panelScratchCount(threads: threads))
        a.withUnsafeBufferPointer { aBuffer in
            b.withUnsafeBufferPointer { bBuffer in
                var aOperand = MatrixMultiply.Operand(aBuffer, rows: aShape.0, columns: aShape.1)
                var bOperand = MatrixMultiply.Operand(bBuffer, rows: bShape.0, columns: bShape.1)
                if transposeA { aOperand = aOperand.transposed }
                if transposeB { bOperand = bOperand.transposed }
                c.withUnsafeMutableBufferPointer { cBuffer in
                    panels.withUnsafeMutableBufferPointer { panels in
                        MatrixMultiply.multiply(aOperand, bOperand, into: cBuffer, scale: scale,
                                                accumulate: initial != nil, panels: panels, threads: threads)
                    }
                }
            }
        }
        return c
    }

    static func random(_ count: Int, seed: UInt64) -> [Float] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in generator.nextNormal() }
    }

    @Test(arguments: [(1, 1, 1), (3, 5, 7), (4, 16, 256), (5, 17, 257), (20, 33, 300), (9, 40, 513)])
    func everyFormMatchesTheTripleLoop(m: Int, n: Int, k: Int) {
        let a = Self.random(m * k, seed: 1), b = Self.random(k * n, seed: 2)
        for (transposeA, transposeB) in [(false, false), (false, true), (true, false), (true, true)] {
            let aShape = transposeA ? (k, m) : (m, k)
            let bShape = transposeB ? (n, k) : (k, n)
            let expected = Self.reference(a, aShape, transposeA: transposeA, b, bShape, transposeB: transposeB)
            let actual = Self.product(a, aShape, transposeA: transposeA, b, bShape, transposeB: transposeB)
            let worst = zip(actual, expected).map { abs(Double($0) - $1) }.max() ?? 0
            #expect(worst < 1e-4 * Double(k).squareRoot(), "transposeA \(transposeA) transposeB \(transposeB)")
        }
    }

    @Test func accumulateAddsTheScaledProduct() {
        let a = Self.random(6 * 10, seed: 3), b = Self.random(10 * 18, seed: 4)
        let initial = Self.random(6 * 18, seed: 5)
        let expected = Self.reference(a, (6, 10), transposeA: false, b, (10, 18), transposeB: false)
        let actual = Self.product(a, (6, 10), transposeA: false, b, (10, 18), transposeB: false,
                                  scale: 0.5, initial: initial)
        for index in actual.indices {
            #expect(abs(Double(actual[index]) - (Double(initial[index]) + 0.5 * expected[index])) < 1e-4)
        }
    }

    /// The widest kernels this CPU runs give the baseline's bits: for float operands read either
    /// way, and for 4-bit and integer weights decoded as W and as Wᵀ (blocks of 3 straddle rows
    /// and start at odd elements), at row counts that leave every partial tile and widths that
    /// leave a partial panel. (On a CPU with no wider level
    /// both runs are the baseline.)
    @Test(arguments: [(1, 16, 64), (3, 40, 256), (5, 21, 300), (7, 33, 77), (13, 50, 513)])
    func everyVectorLevelGivesTheBaselineBits(m: Int, n: Int, k: Int) throws {
        typealias Product = (UnsafeMutableBufferPointer<Float>, UnsafeMutableBufferPointer<Float>, qlora_vector_level) -> Void
        var panels = [Float](repeating: 0, count: MatrixMultiply.panelScratchCount(threads: 1))
        func bits(_ level: qlora_vector_level, _ multiply: Product) -> [UInt32] {
            var c = [Float](repeating: 1, count: m * max(n, k))
            c.withUnsafeMutableBufferPointer { c in panels.withUnsafeMutableBufferPointer { multiply(c, $0, level) } }
            return c.map(\.bitPattern)
        }
        func expectEqualBits(_ multiply: Product, _ comment: Comment) {
            #expect(bits(qlora_vector_level.detected, multiply) == bits(qlora_vector_baseline, multiply), comment)
        }
        let a = Self.random(m * k, seed: 8), b = Self.random(k * n, seed: 9)
        a.withUnsafeBufferPointer { aValues in
            b.withUnsafeBufferPointer { bValues in
                let aOperand = MatrixMultiply.Operand(aValues, rows: m, columns: k)
                for bOperand in [MatrixMultiply.Operand(bValues, rows: k, columns: n), MatrixMultiply.Operand(bValues, rows: n, columns: k).transposed] {
                    expectEqualBits({ c, panels, level in
                        MatrixMultiply.multiply(aOperand, bOperand, into: c, scale: 0.75, accumulate: true, panels: panels,
                                                threads: 1, vectorLevel: level)
                    }, "float B, column stride \(bOperand.columnStride)")
                }
            }
        }
        let transposedInput = Self.random(m * n, seed: 10)
        for (format, blocksize) in [(FrozenBase.Format.nf4, 64), (.fp4, 128), (.int4, 3), (.int8, 64)] {
            let weight = try FrozenBase(
                quantizing: Tensor(shape: [n, k], scalars: b.map { $0 * 0.02 }), format: format, blocksize: blocksize)
            for transposed in [true, false] {
                (transposed ? a : transposedInput).withUnsafeBufferPointer { values in
                    let operand = MatrixMultiply.Operand(values, rows: m, columns: transposed ? k : n)
                    expectEqualBits({ c, panels, level in
                        weight.multiply(operand, transposed: transposed, into: c, panels: panels, vectorLevel: level)
                    }, "\(format) in blocks of \(blocksize), transposed \(transposed)")
                }
            }
        }
    }

    /// Each element of C gets `c + scale · s` per depth block, s summed in float from zero in p
    /// order: the narrow tiles (eight columns or fewer, an adapter's rank side) keep that order too.
    @Test(arguments: [(25, 8, 300), (13, 5, 40), (12, 1, 257), (7, 16, 300), (30, 9, 64)])
    func everyElementSumsInDepthOrder(m: Int, n: Int, k: Int) {
        let a = Self.random(m * k, seed: 8), b = Self.random(n * k, seed: 9), initial = Self.random(m * n, seed: 10)
        let actual = Self.product(a, (m, k), transposeA: false, b, (n, k), transposeB: true, scale: 0.5, initial: initial)
        var expected = initial
        for i in 0..<m {
            for j in 0..<n {
                for start in stride(from: 0, to: k, by: MatrixMultiply.depthBlock) {
                    var sum: Float = 0
                    for p in start..<min(start + MatrixMultiply.depthBlock, k) { sum += a[i * k + p] * b[j * k + p] }
                    expected[i * n + j] += 0.5 * sum
                }
            }
        }
        #expect(actual.map(\.bitPattern) == expected.map(\.bitPattern))
    }

    /// A B small enough to pack whole is packed once and the rows of C shared out (300 x 70 x
    /// 300); a larger one is shared out by panels (37 x 70 x 1100), or by rows when it is a single
    /// panel (37 x 16 x 4200). Every way gives one thread's bits.
    @Test(arguments: [(300, 70, 300), (37, 70, 1100), (37, 16, 4200)])
    func twoThreadsGiveTheBitsOfOne(m: Int, n: Int, k: Int) {
        let a = Self.random(m * k, seed: 6), b = Self.random(n * k, seed: 7)
        let one = Self.product(a, (m, k), transposeA: false, b, (n, k), transposeB: true, threads: 1)
        let two = Self.product(a, (m, k), transposeA: false, b, (n, k), transposeB: true, threads: 2)
        #expect(one.map(\.bitPattern) == two.map(\.bitPattern))
    }

    /// Packed whole, B is packed once however many threads share the rows: the count a lesson
    /// shows as the weights dequantized per forward does not depend on the machine's cores.
    @Test func aWholeBIsPackedOnceForAnyThreadCount() {
        let (m, n, k) = (300, 70, 300)
        let a = Self.random(m * k, seed: 6), b = Self.random(n * k, seed: 7)
        var c = [Float](repeating: 0, count: m * n)
        var panels = [Float](repeating: 0, count: MatrixMultiply.panelScratchCount(threads: 2))
        let work = a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                c.withUnsafeMutableBufferPointer { c in
                    panels.withUnsafeMutableBufferPointer { panels in
                        [1, 2].map { threads in
                            MatrixMultiply.multiply(
                                MatrixMultiply.Operand(a, rows: m, columns: k), MatrixMultiply.Operand(b, rows: n, columns: k).transposed,
                                into: c, scale: 1, accumulate: false, panels: panels, threads: threads, vectorLevel: .detected)
                        }
                    }
                }
            }
        }
        #expect(work.map(\.packedValues) == [n * k, n * k])
        #expect(work.map(\.parallelPartitions) == [0, 2])
    }

    /// Adding to an addend (a residual stream) gives the bits of copying it into C and adding
    /// to C, for a B packed whole (300 x 70 x 300), a B shared out by panels (37 x 70 x 1100)
    /// and a product with no depth (5 x 3 x 0), on one thread and on two.
    @Test(arguments: [(300, 70, 300), (37, 70, 1100), (5, 3, 0)], [1, 2])
    func addingToAnAddendIsCopyingThenAccumulating(shape: (Int, Int, Int), threads: Int) {
        let (m, n, k) = shape
        let a = Self.random(m * k, seed: 11), b = Self.random(n * k, seed: 12), addend = Self.random(m * n, seed: 13)
        let copied = Self.product(a, (m, k), transposeA: false, b, (n, k), transposeB: true, scale: 0.5, initial: addend, threads: threads)
        var c = [Float](repeating: .nan, count: m * n)
        var panels = [Float](repeating: 0, count: MatrixMultiply.panelScratchCount(threads: threads))
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                addend.withUnsafeBufferPointer { addend in
                    c.withUnsafeMutableBufferPointer { c in
                        panels.withUnsafeMutableBufferPointer { panels in
                            MatrixMultiply.multiply(
                                MatrixMultiply.Operand(a, rows: m, columns: k), MatrixMultiply.Operand(b, rows: n, columns: k).transposed,
                                into: c, scale: 0.5, adding: addend, panels: panels, threads: threads)
                        }
                    }
                }
            }
        }
        #expect(c.map(\.bitPattern) == copied.map(\.bitPattern))
    }

    /// A copied into tiles gives the bits of A read in place: rows that leave a partial tile,
    /// depths past one depth block, a last panel of eight columns or fewer (two tiles at a time),
    /// A read transposed; scaled, and not (a scale of one multiplies nothing).
    @Test(arguments: [(13, 40, 300), (6, 24, 16), (31, 17, 257), (5, 9, 40), (29, 24, 33)], [false, true])
    func tilesOfAGiveTheBitsOfAInPlace(shape: (Int, Int, Int), transposeA: Bool) {
        for scale: Float in [0.5, 1] { tilesOfAGiveTheBitsOfAInPlace(shape: shape, transposeA: transposeA, scale: scale) }
    }

    private func tilesOfAGiveTheBitsOfAInPlace(shape: (Int, Int, Int), transposeA: Bool, scale: Float) {
        let (m, n, k) = shape
        let a = Self.random(m * k, seed: 14), b = Self.random(k * n, seed: 15), initial = Self.random(m * n, seed: 16)
        var packedB = [Float](repeating: 0, count: MatrixMultiply.PackedMatrix.count(rows: k, columns: n))
        var tiles = [Float](repeating: .nan, count: (m + 5) / 6 * 6 * k)
        func product(tiled: Bool) -> [UInt32] {
            var c = [Float](repeating: .nan, count: m * n)
            a.withUnsafeBufferPointer { a in
                b.withUnsafeBufferPointer { b in
                    initial.withUnsafeBufferPointer { initial in
                        packedB.withUnsafeMutableBufferPointer { packedB in
                            tiles.withUnsafeMutableBufferPointer { tiles in
                                c.withUnsafeMutableBufferPointer { c in
                                    let operand = transposeA
                                        ? MatrixMultiply.Operand(a, rows: k, columns: m).transposed
                                        : MatrixMultiply.Operand(a, rows: m, columns: k)
                                    let packed = MatrixMultiply.PackedMatrix(
                                        packing: MatrixMultiply.Operand(b, rows: k, columns: n), into: packedB.baseAddress!,
                                        vectorLevel: .detected)
                                    packed.multiply(
                                        operand, tiles: tiled ? tiles.baseAddress! : nil, columns: n, into: c.baseAddress!,
                                        rowStride: n, scale: scale, initial: initial.baseAddress!)
                                }
                            }
                        }
                    }
                }
            }
            return c.map(\.bitPattern)
        }
        #expect(product(tiled: true) == product(tiled: false))
    }

    /// `[a | h]` beside each other, as one m x (k + r) matrix.
    static func besideEachOther(_ a: [Float], _ h: [Float], rows m: Int, columns k: Int, r: Int) -> [Float] {
        var rows: [Float] = []
        for i in 0..<m {
            rows += a[i * k..<(i + 1) * k]
            rows += h[i * r..<(i + 1) * r]
        }
        return rows
    }

    /// The low-rank product gives h = downScale · a · down and the bits of the one product
    /// `[a | h] · [main ; upScale · up]` (c = addend + x Wᵀ + (x Aᵀ)(s Bᵀ), or c added to), with
    /// k + r within one depth block, across two, and with h alone in the second.
    @Test(arguments: [(40, 24, 17, 3), (300, 70, 130, 8), (7, 9, 300, 2), (13, 20, 256, 4)], [1, 2])
    func aLowRankProductIsOneProductOfTheExtendedOperands(shape: (Int, Int, Int, Int), threads: Int) {
        let (m, n, k, r) = shape
        let x = Self.random(m * k, seed: 20), w = Self.random(n * k, seed: 21)
        let down = Self.random(k * r, seed: 22), up = Self.random(r * n, seed: 23), start = Self.random(m * n, seed: 24)
        let upScale: Float = 0.7
        // [Wᵀ ; upScale · up]: k + r rows of n.
        let transposedW: [Float] = (0..<k).flatMap { p in (0..<n).map { j in w[j * k + p] } }
        let stacked = transposedW + up.map { upScale * $0 }
        var panels = [Float](repeating: 0, count: MatrixMultiply.panelScratchCount(threads: threads))
        for accumulate in [false, true] {
            var separate = start, fused = start
            var separateHidden = [Float](repeating: .nan, count: m * r), fusedHidden = separateHidden
            x.withUnsafeBufferPointer { x in down.withUnsafeBufferPointer { down in panels.withUnsafeMutableBufferPointer { panels in
                separateHidden.withUnsafeMutableBufferPointer { h in
                    MatrixMultiply.multiply(
                        MatrixMultiply.Operand(x, rows: m, columns: k), MatrixMultiply.Operand(down, rows: k, columns: r),
                        into: h, scale: 0.5, panels: panels, threads: threads)
                }
            } } }
            let extended = Self.besideEachOther(x, separateHidden, rows: m, columns: k, r: r)
            extended.withUnsafeBufferPointer { extended in stacked.withUnsafeBufferPointer { stacked in
                start.withUnsafeBufferPointer { start in panels.withUnsafeMutableBufferPointer { panels in
                    separate.withUnsafeMutableBufferPointer { c in
                        MatrixMultiply.multiply(
                            MatrixMultiply.Operand(extended, rows: m, columns: k + r), MatrixMultiply.Operand(stacked, rows: k + r, columns: n),
                            into: c, accumulate: accumulate, adding: accumulate ? nil : start, panels: panels, threads: threads)
                    }
                } }
            } }
            x.withUnsafeBufferPointer { x in w.withUnsafeBufferPointer { w in down.withUnsafeBufferPointer { down in
                up.withUnsafeBufferPointer { up in start.withUnsafeBufferPointer { start in panels.withUnsafeMutableBufferPointer { panels in
                    fused.withUnsafeMutableBufferPointer { c in
                        fusedHidden.withUnsafeMutableBufferPointer { h in
                            #expect(MatrixMultiply.multiply(
                                MatrixMultiply.Operand(x, rows: m, columns: k), main: MatrixMultiply.Operand(w, rows: n, columns: k).transposed,
                                down: MatrixMultiply.Operand(down, rows: k, columns: r), downScale: 0.5,
                                up: MatrixMultiply.Operand(up, rows: r, columns: n), upScale: upScale, hidden: h, into: c,
                                accumulate: accumulate, adding: accumulate ? nil : start, panels: panels, threads: threads).ran)
                        }
                    }
                } } }
            } } }
            #expect(fused.map(\.bitPattern) == separate.map(\.bitPattern), "accumulate \(accumulate)")
            #expect(fusedHidden.map(\.bitPattern) == separateHidden.map(\.bitPattern))
        }
    }

    /// A backward low-rank product that computes the adapter's weight gradients on the way gives
    /// dL/dx and dL/dh as without them, and the bits of the separate products dL/dB = s gᵀ h and
    /// dL/dA = (dL/dh)ᵀ x, over rows that end
    /// in a partial block; with too few blocks for its threads it leaves them to the caller.
    @Test(arguments: [(1100, 24, 17, 3), (300, 40, 9, 8)], [1, 2])
    func aLowRankProductsWeightGradientsAreTheSeparateProducts(shape: (Int, Int, Int, Int), threads: Int) {
        let (m, out, inFeatures, r) = shape
        let s: Float = 0.75
        let g = Self.random(m * out, seed: 30), w = Self.random(out * inFeatures, seed: 31), x = Self.random(m * inFeatures, seed: 32)
        let loraB = Self.random(out * r, seed: 33), loraA = Self.random(r * inFeatures, seed: 34), h = Self.random(m * r, seed: 35)
        var panels = [Float](repeating: 0, count: MatrixMultiply.panelScratchCount(threads: threads))
        var partials = [Float](repeating: .nan, count: m.dividedRoundingUp(by: MatrixMultiply.depthBlock) * r * (out + inFeatures))
        var separate = (dx: [Float](repeating: 0, count: m * inFeatures), dh: [Float](repeating: 0, count: m * r),
                        dA: [Float](repeating: 0, count: r * inFeatures), dB: [Float](repeating: 0, count: out * r))
        var fused = separate
        var work: MatrixMultiply.LowRankWork?
        g.withUnsafeBufferPointer { g in w.withUnsafeBufferPointer { w in x.withUnsafeBufferPointer { x in
            loraB.withUnsafeBufferPointer { loraB in loraA.withUnsafeBufferPointer { loraA in h.withUnsafeBufferPointer { h in
                panels.withUnsafeMutableBufferPointer { panels in
                    let gradient = MatrixMultiply.Operand(g, rows: m, columns: out)
                    let input = MatrixMultiply.Operand(x, rows: m, columns: inFeatures)
                    let b = MatrixMultiply.Operand(loraB, rows: out, columns: r), a = MatrixMultiply.Operand(loraA, rows: r, columns: inFeatures)
                    let weight = MatrixMultiply.Operand(w, rows: out, columns: inFeatures)
                    let hidden = MatrixMultiply.Operand(h, rows: m, columns: r)
                    separate.dx.withUnsafeMutableBufferPointer { dx in separate.dh.withUnsafeMutableBufferPointer { dh in
                        separate.dA.withUnsafeMutableBufferPointer { dA in separate.dB.withUnsafeMutableBufferPointer { dB in
                            MatrixMultiply.multiply(gradient, b, into: dh, scale: s, panels: panels, threads: threads)
                            let dhOperand = MatrixMultiply.Operand(UnsafeBufferPointer(dh), rows: m, columns: r)
                            // dL/dx = [g | dL/dh] · [W ; A]
                            let extended = Self.besideEachOther(Array(g), Array(dh), rows: m, columns: out, r: r)
                            extended.withUnsafeBufferPointer { extended in (Array(w) + Array(loraA)).withUnsafeBufferPointer { stacked in
                                MatrixMultiply.multiply(
                                    MatrixMultiply.Operand(extended, rows: m, columns: out + r),
                                    MatrixMultiply.Operand(stacked, rows: out + r, columns: inFeatures), into: dx, panels: panels,
                                    threads: threads)
                            } }
                            MatrixMultiply.multiply(gradient.transposed, hidden, into: dB, scale: s, panels: panels, threads: threads)
                            MatrixMultiply.multiply(dhOperand.transposed, input, into: dA, panels: panels, threads: threads)
                        } }
                    } }
                    fused.dx.withUnsafeMutableBufferPointer { dx in fused.dh.withUnsafeMutableBufferPointer { dh in
                        fused.dA.withUnsafeMutableBufferPointer { dA in fused.dB.withUnsafeMutableBufferPointer { dB in
                            partials.withUnsafeMutableBufferPointer { partials in
                                work = MatrixMultiply.multiply(
                                    gradient, main: weight, down: b, downScale: s, up: a, upScale: 1, hidden: dh, into: dx,
                                    accumulate: false, adding: nil,
                                    weightGradients: LowRankWeightGradients(
                                        input: input, hidden: h.baseAddress!, a: dA, b: dB, scale: s, rank: r, partials: partials),
                                    panels: panels, threads: threads)
                            }
                        } }
                    } }
                }
            } } }
        } } }
        let blocks = m.dividedRoundingUp(by: MatrixMultiply.depthBlock)
        #expect(work?.ran == true)
        #expect(work?.weightGradients == (blocks >= 2 * threads))
        #expect(fused.dx.map(\.bitPattern) == separate.dx.map(\.bitPattern))
        #expect(fused.dh.map(\.bitPattern) == separate.dh.map(\.bitPattern))
        if work?.weightGradients == true {
            #expect(fused.dA.map(\.bitPattern) == separate.dA.map(\.bitPattern))
            #expect(fused.dB.map(\.bitPattern) == separate.dB.map(\.bitPattern))
        }
    }

    /// A product's row pieces cover its rows once, in order, none longer than a whole piece, and
    /// end in pieces a quarter as long.
    @Test(arguments: [1, 11, 96, 200, 2048, 2047, 5000], [1, 2, 3])
    func rowPiecesCoverTheRowsOnce(rows: Int, threads: Int) {
        let pieces = MatrixMultiply.RowPieces(rows: rows, threads: threads)
        var next = 0
        for index in 0..<pieces.count {
            let range = pieces.rows(index)
            #expect(range.lowerBound == next && !range.isEmpty && range.count <= pieces.size)
            next = range.upperBound
        }
        #expect(next == rows)
        if rows >= 2048 { #expect(pieces.rows(pieces.count - 1).count <= pieces.size / 4) }
    }
}
