using System.Net;
using System.Text;
using Lumenfall.Sdk.Testing.Fakes;
using RichardSzalay.MockHttp;

namespace Lumenfall.Sdk.Tests.TestSupport;

/// <summary>An <see cref="ImageClient"/> over a MockHttp handler that records every request it receives.</summary>
internal sealed class ServiceHarness
{
    public const string LumenfallKey = "lmnfl_testkey.not-a-real-secret";
    public const string FalKey = "fal-test-id:not-a-real-secret";
    public const string OmniRoutersKey = "sk-omnirouters-not-a-real-secret";
    public const string LumenfallBase = "https://api.lumenfall.ai/openai/v1";

    public ServiceHarness(Action<LumenfallOptions>? configure = null)
    {
        Mock.Fallback.Respond(request => throw new InvalidOperationException($"Unexpected request {request.Method} {request.RequestUri}"));
        Options.Gateway.ApiKey = LumenfallKey;
        Options.Fal.ApiKey = FalKey;
        Options.OmniRouters.ApiKey = OmniRoutersKey;
        Options.TimeProvider = Time;

        // Retries have their own tests (ResilienceTests); elsewhere one response per request keeps the wire exact.
        foreach ((_, ServiceOptions service) in Options.Services)
        {
            service.Retry.MaxRetries = 0;
        }

        Options.DownloadRetry.MaxRetries = 0;
        configure?.Invoke(Options);
        Client = new ImageClient(Options, new Front(this) { InnerHandler = Mock });
    }

    public MockHttpMessageHandler Mock { get; } = new();

    public TestClock Time { get; } = new();

    public LumenfallOptions Options { get; } = new();

    public ImageClient Client { get; }

    public List<CapturedRequest> Requests { get; } = [];

    private Dictionary<string, TaskCompletionSource> Hanging { get; } = [];

    private Dictionary<(HttpMethod, string), (List<Func<HttpResponseMessage>> Steps, int Next)> Scripts { get; } = [];

    /// <summary>
    /// Answers successive requests to <paramref name="url"/> (path, any query) with successive steps, the last one
    /// repeating; a step may throw, as a failing connection would.
    /// </summary>
    public void Script(HttpMethod method, string url, params Func<HttpResponseMessage>[] steps) =>
        Scripts[(method, url)] = ([.. steps], 0);

    /// <summary>
    /// Makes requests to <paramref name="url"/> wait until the SDK cancels them (its timeout or the caller's
    /// token). The returned task completes when such a request has arrived.
    /// </summary>
    public Task Hang(string url)
    {
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Hanging[url] = arrived;
        return arrived.Task;
    }

    /// <summary>Answers <paramref name="method"/> <paramref name="url"/> with JSON, recording each request.</summary>
    public void Respond(HttpMethod method, string url, string json, HttpStatusCode status = HttpStatusCode.OK, params (string Name, string Value)[] headers) =>
        Mock.When(method, url).Respond(async request =>
        {
            Requests.Add(await CapturedRequest.FromAsync(request));
            return Json(status, json, headers);
        });

    /// <summary>Answers successive requests to <paramref name="url"/> with successive replies; the last one repeats.</summary>
    public void RespondSequence(HttpMethod method, string url, params Reply[] replies)
    {
        var queue = new Queue<Reply>(replies);
        Mock.When(method, url).Respond(async request =>
        {
            Requests.Add(await CapturedRequest.FromAsync(request));
            Reply reply = queue.Count > 1 ? queue.Dequeue() : queue.Peek();
            return Json(reply.Status, reply.Body, reply.Headers);
        });
    }

    /// <summary>Answers <paramref name="method"/> <paramref name="url"/> with a redirect to <paramref name="location"/> (absolute or relative).</summary>
    public void Redirect(HttpMethod method, string url, HttpStatusCode status, string location) =>
        Script(method, url, () =>
        {
            var redirect = new HttpResponseMessage(status);
            redirect.Headers.Location = new Uri(location, UriKind.RelativeOrAbsolute);
            return redirect;
        });

    /// <summary>The requests sent to a URL (path only, query ignored), in order.</summary>
    public List<CapturedRequest> To(string url) =>
        Requests.Where(r => r.Uri.GetLeftPart(UriPartial.Path) == url).ToList();

    /// <summary>Answers with bytes of a media type, recording each request.</summary>
    public void RespondBytes(string url, byte[] body, string mediaType) =>
        Mock.When(HttpMethod.Get, url).Respond(async request =>
        {
            Requests.Add(await CapturedRequest.FromAsync(request));
            var content = new ByteArrayContent(body);
            content.Headers.ContentType = new(mediaType);
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
        });

    /// <summary>Sees every request first: hangs the ones registered with <see cref="Hang"/>.</summary>
    private sealed class Front(ServiceHarness harness) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (harness.Hanging.TryGetValue(request.RequestUri!.AbsoluteUri, out TaskCompletionSource? arrived))
            {
                harness.Requests.Add(await CapturedRequest.FromAsync(request));
                arrived.TrySetResult();
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }

            if (harness.Scripts.TryGetValue((request.Method, request.RequestUri.GetLeftPart(UriPartial.Path)), out var script))
            {
                harness.Requests.Add(await CapturedRequest.FromAsync(request));
                Func<HttpResponseMessage> step = script.Steps[Math.Min(script.Next, script.Steps.Count - 1)];
                harness.Scripts[(request.Method, request.RequestUri.GetLeftPart(UriPartial.Path))] = (script.Steps, script.Next + 1);
                return step();
            }

            return await base.SendAsync(request, cancellationToken);
        }
    }

    /// <summary>One canned reply.</summary>
    internal sealed record Reply(string Body, HttpStatusCode Status = HttpStatusCode.OK, params (string Name, string Value)[] Headers);

    public static HttpResponseMessage Json(HttpStatusCode status, string json, params (string Name, string Value)[] headers)
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        foreach ((string name, string value) in headers)
        {
            response.Headers.TryAddWithoutValidation(name, value);
        }

        return response;
    }
}
