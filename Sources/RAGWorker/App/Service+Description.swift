/// ServiceLifecycle names each service in its log lines (all of them in "Starting service
/// lifecycle"); the default description of these types prints every stored property, the
/// pipeline's providers included, which made one log line tens of kilobytes.
extension JobRunner: CustomStringConvertible {
    var description: String { "JobRunner(concurrency \(settings.concurrency))" }
}

extension OutboxDeliverer: CustomStringConvertible {
    var description: String { "OutboxDeliverer(\(sender.destination))" }
}

extension JobRetention: CustomStringConvertible {
    var description: String { "JobRetention" }
}
