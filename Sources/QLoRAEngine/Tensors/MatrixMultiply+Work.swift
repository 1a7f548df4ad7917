extension MatrixMultiply {
    /// What one product did, as its workers report it: the values of B they packed, and how many
    /// of them shared the product.
    struct Work {
        /// Values of B copied (or decoded) into panels.
        var packedValues = 0
        /// The workers that each computed a share of the product, when it was split; 0 when one
        /// thread computed all of it. A product split between two threads reports 2 here.
        var parallelPartitions = 0
    }
}
