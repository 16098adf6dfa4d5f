import Metrics
import Tracing

enum NoOpTracerBox {
    static let tracer: any Tracer = NoOpTracer()
    static let metrics: any MetricsFactory = NOOPMetricsHandler.instance
}
