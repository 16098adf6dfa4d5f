import Logging
import ServiceContextModule

extension Logger.MetadataProvider {
    /// Adds `trace.id` and `span.id` of the span active in `ServiceContext.current`, so every
    /// log line inside a job's spans carries the job's trace id.
    public static var telemetryTrace: Logger.MetadataProvider {
        Logger.MetadataProvider {
            guard let span = ServiceContext.current?.telemetrySpanContext else { return [:] }
            return [LogKeys.traceID: .string(span.traceID), LogKeys.spanID: .string(span.spanID)]
        }
    }
}
