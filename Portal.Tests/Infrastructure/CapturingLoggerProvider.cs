using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Portal.Tests.Infrastructure;

/// <summary>Keeps every log line the portal writes (all levels), so tests can search them for secrets.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<string> lines = new();

    public IReadOnlyCollection<string> Lines => lines;

    public string All => string.Join('\n', lines);

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, lines);

    public void Dispose() { }

    // Scopes (e.g. the request's CorrelationId) are written on each line, as a JSON console logger would.
    private static readonly AsyncLocal<Scope?> current = new();

    private sealed class Scope(object state, Scope? parent) : IDisposable
    {
        public object State { get; } = state;
        public Scope? Parent { get; } = parent;
        public void Dispose() => current.Value = Parent;
    }

    private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => current.Value = new Scope(state, current.Value);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var structured = state is IEnumerable<KeyValuePair<string, object?>> kv ? string.Join(";", kv.Select(p => $"{p.Key}={p.Value}")) : "";
            var scopes = new List<string>();
            for (var sc = current.Value; sc is not null; sc = sc.Parent)
                scopes.Add(sc.State is IEnumerable<KeyValuePair<string, object>> d ? string.Join(";", d.Select(p => $"{p.Key}={p.Value}")) : sc.State.ToString() ?? "");
            lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {structured} {exception} [scopes: {string.Join(" | ", scopes)}]");
        }
    }
}
