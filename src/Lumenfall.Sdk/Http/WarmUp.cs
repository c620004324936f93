using System.Net;
using Lumenfall.Sdk.Diagnostics;
using Lumenfall.Sdk.Serialization;
using Lumenfall.Sdk.Transports.Lumenfall;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lumenfall.Sdk.Http;

/// <summary>
/// A fresh process spends most of its first call compiling the SDK's path (benchmarks/README.md, "The first call").
/// When the first client of a process is created, one thread-pool work item runs the offline parts of that path with
/// throwaway values, while the caller builds its client and request and the connection opens: options read, validated,
/// copied and frozen; Polly's first pipeline build (its DataAnnotations validation alone takes about 15 ms cold) and
/// first run through Microsoft.Extensions.Http.Resilience's handler over a stub; a request's validation and wire JSON;
/// and the images reply's reader. Nothing is sent, logged or
/// measured (no SDK span or metric, no System.Net.Http request event). With two cores or more the first call is shorter; on one core the work only moves.
/// </summary>
internal static class WarmUp
{
    private static int _started;

    /// <summary>Queues the warm-up, once per process.</summary>
    public static void Start()
    {
        if (Interlocked.Exchange(ref _started, 1) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static _ => Run(), null);
        }
    }

    private static void Run()
    {
        try
        {
            Exercise();
        }
#pragma warning disable CA1031 // a warm-up that fails changes nothing: the call compiles what it needs itself
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    /// <summary>Runs the offline parts of the first call's path once, with throwaway values.</summary>
    internal static void Exercise()
    {
        // Options first (a client validates, copies and freezes them when it is built), then Polly, the largest part.
        var options = new LumenfallOptions();
        LumenfallEnvironment.Apply(options, static _ => null);
        _ = options.Validate();
        _ = options.Clone().Freeze();

        // Called as a handler calls the next one, not through HttpMessageInvoker, which would report a request to
        // System.Net.Http's event source (dotnet-counters' requests-started).
        using var handler = new Caller(new ResilienceHandler(RetryPolicy.Build(TimeProvider.System, NullLogger.Instance)) { InnerHandler = new Answer() });
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://warm-up.invalid/");
        handler.Send(request).GetAwaiter().GetResult().Dispose();   // the stub answers at once

        var sample = new GptImage2GenerationRequest("warm-up");
        _ = sample.Validate();
        _ = sample.ToJsonBytes();
        _ = SdkTelemetry.Source.HasListeners();
        _ = WireJson.Read("""{"created":1,"data":[{"url":"https://warm-up.invalid/a.png"}]}"""u8, LumenfallImagesResponse.Read);
    }

    /// <summary>Sends through its inner handler directly.</summary>
    private sealed class Caller(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        public Task<HttpResponseMessage> Send(HttpRequestMessage request) => SendAsync(request, CancellationToken.None);
    }

    /// <summary>Answers every request with an empty 200, synchronously.</summary>
    private sealed class Answer : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK));
    }
}
