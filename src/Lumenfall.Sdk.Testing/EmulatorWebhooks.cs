using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Security;

namespace Lumenfall.Sdk.Testing;

/// <summary>What to do to the next webhook delivery (a test's way of making fal misbehave).</summary>
public sealed class EmulatorWebhookFault
{
    /// <summary>Gets a wait before the delivery (on the emulator's clock).</summary>
    public TimeSpan Delay { get; init; }

    /// <summary>Gets how many times the delivery is sent (2 sends it twice, as a fal retry would).</summary>
    public int Copies { get; init; } = 1;

    /// <summary>Gets whether the delivery is not sent at all (a lost webhook).</summary>
    public bool Drop { get; init; }

    /// <summary>Gets whether the body is changed after it was signed.</summary>
    public bool TamperBody { get; init; }

    /// <summary>Gets whether it is signed with a key that is not in the JWKS.</summary>
    public bool UnknownKey { get; init; }

    /// <summary>Gets how far in the past its timestamp is (for example 10 minutes: outside a 300 s tolerance).</summary>
    public TimeSpan StaleBy { get; init; }

    /// <summary>Gets whether the signed message uses an UPPER-case hex digest (fal's is lower-case).</summary>
    public bool UpperCaseDigest { get; init; }
}

/// <summary>One attempt to deliver a webhook, as the emulator saw it.</summary>
/// <param name="RequestId">The job.</param>
/// <param name="Url">Where it was sent.</param>
/// <param name="StatusCode">The receiver's answer, or null when the attempt failed without one.</param>
public sealed record EmulatorWebhookAttempt(string RequestId, Uri Url, int? StatusCode);

/// <summary>
/// fal's webhooks, emulated: a job submitted with <c>?fal_webhook=</c> finishes after <see cref="EmulatorOptions.WebhookDelay"/>
/// and its outcome is POSTed there, signed with the emulator's Ed25519 key the way fal signs (headers
/// <c>X-Fal-Webhook-Request-Id</c>, <c>-User-Id</c>, <c>-Timestamp</c>, <c>-Signature</c>; the message
/// <c>request-id \n user-id \n timestamp \n hex(sha256(body))</c>). The public key is served at <see cref="JwksUrl"/>.
/// A non-2xx answer or a failed attempt is retried up to 10 times, <see cref="EmulatorOptions.WebhookRetryInterval"/> apart.
/// </summary>
public sealed class EmulatorWebhooks
{
    /// <summary>The user id the emulator signs as.</summary>
    public const string UserId = "emulator-user";

    private static readonly HttpClient Http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(1) }) { Timeout = TimeSpan.FromSeconds(15) };

    private readonly ConcurrentQueue<EmulatorWebhookFault> _faults = new();
    private readonly ConcurrentQueue<EmulatorWebhookAttempt> _attempts = new();
    private readonly Func<Uri> _baseAddress;
    private readonly EmulatorOptions _options;
    private readonly object _gate = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Ed25519PrivateKeyParameters _key = NewKey();

    internal EmulatorWebhooks(Func<Uri> baseAddress, EmulatorOptions options)
    {
        _baseAddress = baseAddress;
        _options = options;
    }

    /// <summary>Gets the JWKS URL that serves the emulator's current public key (give it to the receiver as fal's).</summary>
    public Uri JwksUrl => new(_baseAddress(), "fal-rest/.well-known/jwks.json");

    /// <summary>Gets every delivery attempt so far, in order.</summary>
    public IReadOnlyList<EmulatorWebhookAttempt> Attempts => [.. _attempts];

    /// <summary>Waits until at least <paramref name="count"/> attempts were made (deliveries run in the background).</summary>
    /// <param name="count">How many attempts to wait for.</param>
    /// <param name="cancellationToken">Stops the wait.</param>
    /// <returns>The attempts so far.</returns>
    public async Task<IReadOnlyList<EmulatorWebhookAttempt>> AttemptsAsync(int count, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (_attempts.Count >= count)
                {
                    return [.. _attempts];
                }

                changed = _changed.Task;
            }

            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Makes the next delivery misbehave as <paramref name="fault"/> says.</summary>
    /// <param name="fault">What to do.</param>
    public void NextDelivery(EmulatorWebhookFault fault) => _faults.Enqueue(fault ?? throw new ArgumentNullException(nameof(fault)));

    /// <summary>Replaces the signing key: deliveries from now on are signed with a new one, and the JWKS serves only it (a rotation).</summary>
    public void RotateKey() => _key = NewKey();

    internal JsonObject Jwks() => new()
    {
        ["keys"] = new JsonArray(new JsonObject
        {
            ["kty"] = "OKP",
            ["crv"] = "Ed25519",
            ["x"] = Convert.ToBase64String(_key.GeneratePublicKey().GetEncoded()).TrimEnd('=').Replace('+', '-').Replace('/', '_'),
        }),
    };

    /// <summary>Finishes <paramref name="job"/> after the delay and delivers its outcome to <paramref name="url"/>, in the background.</summary>
    internal void Schedule(Fakes.FakeJob job, Uri url, Func<JsonObject> output)
    {
        EmulatorWebhookFault fault = _faults.TryDequeue(out EmulatorWebhookFault? next) ? next : new EmulatorWebhookFault();
        _ = Task.Run(async () =>
        {
            await Task.Delay(_options.WebhookDelay + fault.Delay, _options.TimeProvider).ConfigureAwait(false);
            job.Finish();
            if (fault.Drop)
            {
                return;
            }

            JsonObject body = job.Failure is { } failure
                ? new JsonObject { ["request_id"] = job.Id, ["gateway_request_id"] = job.Id, ["status"] = "ERROR", ["error"] = failure.Message, ["payload"] = new JsonObject { ["detail"] = failure.Message } }
                : new JsonObject { ["request_id"] = job.Id, ["gateway_request_id"] = job.Id, ["status"] = "OK", ["payload"] = job.Output ??= output(), ["error"] = null };
            for (int copy = 0; copy < Math.Max(1, fault.Copies); copy++)
            {
                await DeliverAsync(job.Id, url, Encoding.UTF8.GetBytes(body.ToJsonString()), fault).ConfigureAwait(false);
            }
        });
    }

    private async Task DeliverAsync(string requestId, Uri url, byte[] body, EmulatorWebhookFault fault)
    {
        for (int attempt = 0; attempt <= 10; attempt++)
        {
            if (attempt > 0)
            {
                await Task.Delay(_options.WebhookRetryInterval, _options.TimeProvider).ConfigureAwait(false);
            }

            string timestamp = (_options.TimeProvider.GetUtcNow() - fault.StaleBy).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            string digest = Convert.ToHexString(SHA256.HashData(body));
            byte[] message = Encoding.UTF8.GetBytes($"{requestId}\n{UserId}\n{timestamp}\n{(fault.UpperCaseDigest ? digest : digest.ToLowerInvariant())}");
            var signer = new Ed25519Signer();
            signer.Init(true, fault.UnknownKey ? NewKey() : _key);
            signer.BlockUpdate(message, 0, message.Length);
            string signature = Convert.ToHexString(signer.GenerateSignature()).ToLowerInvariant();

            byte[] sent = fault.TamperBody ? [.. body[..^1], (byte)' ', body[^1]] : body;
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(sent) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.Add("X-Fal-Webhook-Request-Id", requestId);
            request.Headers.Add("X-Fal-Webhook-User-Id", UserId);
            request.Headers.Add("X-Fal-Webhook-Timestamp", timestamp);
            request.Headers.Add("X-Fal-Webhook-Signature", signature);
            int? status = null;
            try
            {
                using HttpResponseMessage response = await Http.SendAsync(request).ConfigureAwait(false);
                status = (int)response.StatusCode;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // No answer: tried again, as fal does.
            }

            TaskCompletionSource changed;
            lock (_gate)
            {
                _attempts.Enqueue(new EmulatorWebhookAttempt(requestId, url, status));
                changed = _changed;
                _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            changed.TrySetResult();
            if (status is >= 200 and < 300)
            {
                return;
            }
        }
    }

    private static Ed25519PrivateKeyParameters NewKey() => new(new SecureRandom());
}
