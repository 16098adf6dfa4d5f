import ArgumentParser

/// Options of the commands that talk to AWS (`plan`, `apply`, `verify`, `destroy`).
struct ProvisioningOptions: ParsableArguments {
    @Option(name: .customLong("notify-email"), help: "Subscribe this e-mail address to the alarm topic (repeatable).")
    var emails: [String] = []

    @Option(name: .customLong("notify-https"), help: "Subscribe this HTTPS URL to the alarm topic (repeatable).")
    var urls: [String] = []

    @Flag(help: "Print the result as JSON.")
    var json = false

    var subscriptions: [Subscription] {
        emails.map { Subscription(protocol: "email", endpoint: $0) } + urls.map { Subscription(protocol: "https", endpoint: $0) }
    }

    func validate() throws {
        for url in urls where !url.hasPrefix("https://") {
            throw ValidationError("--notify-https needs an https:// URL, got \(url)")
        }
        for email in emails where !email.contains("@") {
            throw ValidationError("--notify-email needs an e-mail address, got \(email)")
        }
    }
}
