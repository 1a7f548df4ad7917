import CQLoRAKernels

extension qlora_vector_level {
    /// The widest vector instructions this CPU gives the kernels, looked up once.
    static let detected = qlora_vector_level_detected()
}
