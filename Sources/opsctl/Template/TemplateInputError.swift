/// A problem with the files or options given to `opsctl template`, reported as `error: message`.
struct TemplateInputError: Error {
    let message: String
}
