extension Tensor {
    /// Rejects what no quantizer can take: an empty tensor, a NaN or an infinity.
    func validateForQuantization() throws {
        try validateNotEmpty()
        try validateFinite()
    }

    /// Rejects a tensor with no values: there is no block, no minimum and no absmax to take.
    func validateNotEmpty() throws {
        guard count > 0 else {
            throw InputError("tensor", "expected at least one value, got an empty tensor of shape \(shape)")
        }
    }

    /// Rejects a NaN or an infinity, naming the first one's index.
    func validateFinite() throws {
        if let index = scalars.firstIndex(where: { !$0.isFinite }) {
            throw InputError("tensor", "expected finite values, got \(scalars[index]) at index \(index)")
        }
    }
}
