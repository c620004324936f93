using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;

namespace Lumenfall.Sdk.AspNetCore;

/// <summary>Settings for receiving fal webhooks.</summary>
public sealed class FalWebhookOptions
{
    /// <summary>The JWKS fal publishes its webhook keys at, per its current docs (older docs say <c>https://rest.alpha.fal.ai/.well-known/jwks.json</c>).</summary>
    public static readonly Uri DefaultJwksUrl = new("https://rest.fal.ai/.well-known/jwks.json");

    /// <summary>Gets or sets where fal's public keys are read from.</summary>
    public Uri JwksUrl { get; set; } = DefaultJwksUrl;

    /// <summary>Gets or sets how far a delivery's timestamp may be from now (default 300 s, as fal's docs advise).</summary>
    public TimeSpan Tolerance { get; set; } = TimeSpan.FromSeconds(300);

    /// <summary>Gets or sets how long the keys are kept before they are read again (default and at most 24 hours, as fal's docs require).</summary>
    public TimeSpan KeyCacheDuration { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Gets or sets the least time between two reads of the keys forced by a delivery no cached key verifies (default 60 s).</summary>
    public TimeSpan KeyRefreshInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Gets or sets the largest delivery body accepted, in bytes (default 4 MiB: a delivery carries image URLs, not images).</summary>
    public long MaxBodyBytes { get; set; } = 4L * 1024 * 1024;

    /// <summary>
    /// Gets the fal user ids whose deliveries are accepted (<c>X-Fal-Webhook-User-Id</c>). fal signs every account's
    /// deliveries with the same keys, so without this anyone with a fal account can send your endpoint signed deliveries
    /// of their own jobs. Empty accepts any user (not recommended in production).
    /// </summary>
    public ISet<string> AllowedUserIds { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Gets or sets how long a processed <c>request_id</c> is remembered to answer its repeats without running the handlers again (default 24 h; fal retries over 2 h).</summary>
    public TimeSpan DuplicateWindow { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Gets or sets the clock for timestamps, key expiry and the duplicate window (default: the host's <see cref="TimeProvider"/>).</summary>
    public TimeProvider? TimeProvider { get; set; }
}

/// <summary>Why a delivery was refused, or <see cref="Valid"/>.</summary>
public enum FalWebhookVerification
{
    /// <summary>Every header is there, the timestamp is within the tolerance, and one of fal's keys verifies the signature.</summary>
    Valid = 0,

    /// <summary>One of the four <c>X-Fal-Webhook-*</c> headers is missing or empty.</summary>
    MissingHeader,

    /// <summary>The timestamp is not a whole number of seconds, or the signature is not 128 hex characters.</summary>
    Malformed,

    /// <summary>The timestamp is further from now than <see cref="FalWebhookOptions.Tolerance"/>.</summary>
    StaleTimestamp,

    /// <summary>No key of fal's JWKS (read again once, if the cached keys failed) verifies the signature.</summary>
    BadSignature,

    /// <summary>The delivery is for a fal user not in <see cref="FalWebhookOptions.AllowedUserIds"/>.</summary>
    UnknownUser,
}

/// <summary>
/// Verifies fal webhook deliveries: the Ed25519 signature (hex, <c>X-Fal-Webhook-Signature</c>) over
/// <c>request-id \n user-id \n timestamp \n hex(sha256(body))</c> (lower-case hex, UTF-8) against every key of fal's JWKS,
/// and the timestamp against the tolerance. Keys are cached for at most 24 hours; when no cached key verifies, the JWKS
/// is read again at most once per <see cref="FalWebhookOptions.KeyRefreshInterval"/> (key rotation).
/// </summary>
public sealed class FalWebhookVerifier : IDisposable
{
    private readonly Func<CancellationToken, Task<IReadOnlyList<Ed25519PublicKeyParameters>>> _fetch;
    private readonly FalWebhookOptions _options;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private IReadOnlyList<Ed25519PublicKeyParameters> _keys = [];
    private DateTimeOffset _expires = DateTimeOffset.MinValue;
    private DateTimeOffset _lastForced = DateTimeOffset.MinValue;

    /// <summary>Creates a verifier that reads the JWKS with <paramref name="http"/>.</summary>
    /// <param name="http">The client for the JWKS (a 10 s timeout suits it).</param>
    /// <param name="options">The settings.</param>
    /// <param name="time">The clock; null uses <see cref="FalWebhookOptions.TimeProvider"/> or the system's.</param>
    public FalWebhookVerifier(HttpClient http, FalWebhookOptions options, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _time = time ?? options.TimeProvider ?? TimeProvider.System;
        _fetch = token => ReadJwksAsync(http, options.JwksUrl, token);
    }

    /// <summary>
    /// The message fal signs: <c>request-id \n user-id \n timestamp \n hex(sha256(body))</c>, the header values as received,
    /// the digest in lower-case hex, no trailing newline, UTF-8.
    /// </summary>
    /// <param name="requestId">The <c>X-Fal-Webhook-Request-Id</c> header.</param>
    /// <param name="userId">The <c>X-Fal-Webhook-User-Id</c> header.</param>
    /// <param name="timestamp">The <c>X-Fal-Webhook-Timestamp</c> header.</param>
    /// <param name="body">The raw body, as received.</param>
    /// <returns>The bytes the signature covers.</returns>
    public static byte[] SignedMessage(string requestId, string userId, string timestamp, ReadOnlySpan<byte> body) =>
        Encoding.UTF8.GetBytes($"{requestId}\n{userId}\n{timestamp}\n{Convert.ToHexString(SHA256.HashData(body)).ToLowerInvariant()}");

    /// <summary>Checks one delivery.</summary>
    /// <param name="requestId">The <c>X-Fal-Webhook-Request-Id</c> header.</param>
    /// <param name="userId">The <c>X-Fal-Webhook-User-Id</c> header.</param>
    /// <param name="timestamp">The <c>X-Fal-Webhook-Timestamp</c> header (Unix seconds).</param>
    /// <param name="signature">The <c>X-Fal-Webhook-Signature</c> header (hex).</param>
    /// <param name="body">The raw body, as received.</param>
    /// <param name="cancellationToken">Stops a read of the JWKS.</param>
    /// <returns>Whether the delivery is fal's, and why not.</returns>
    public async Task<FalWebhookVerification> VerifyAsync(string? requestId, string? userId, string? timestamp, string? signature, ReadOnlyMemory<byte> body, CancellationToken cancellationToken = default)
    {
        FalWebhookVerification headers = CheckHeaders(requestId, userId, timestamp, signature);
        if (headers != FalWebhookVerification.Valid)
        {
            return headers;
        }

        byte[] message = SignedMessage(requestId!, userId!, timestamp!, body.Span);
        byte[] signatureBytes = Convert.FromHexString(signature!);
        if (Verifies(await KeysAsync(force: false, cancellationToken).ConfigureAwait(false), message, signatureBytes))
        {
            return FalWebhookVerification.Valid;
        }

        // No cached key verifies: the keys may have rotated. Read them again, at most once per refresh interval.
        IReadOnlyList<Ed25519PublicKeyParameters> fresh = await KeysAsync(force: true, cancellationToken).ConfigureAwait(false);
        return Verifies(fresh, message, signatureBytes) ? FalWebhookVerification.Valid : FalWebhookVerification.BadSignature;
    }

    /// <summary>
    /// The checks that need no body and no keys: the four headers are there, the user is allowed, the timestamp is a whole
    /// number of seconds within the tolerance, the signature is 128 hex characters. The endpoint runs them before it
    /// reads the body.
    /// </summary>
    /// <param name="requestId">The <c>X-Fal-Webhook-Request-Id</c> header.</param>
    /// <param name="userId">The <c>X-Fal-Webhook-User-Id</c> header.</param>
    /// <param name="timestamp">The <c>X-Fal-Webhook-Timestamp</c> header.</param>
    /// <param name="signature">The <c>X-Fal-Webhook-Signature</c> header.</param>
    /// <returns><see cref="FalWebhookVerification.Valid"/> when the signature is worth checking.</returns>
    public FalWebhookVerification CheckHeaders(string? requestId, string? userId, string? timestamp, string? signature)
    {
        if (string.IsNullOrEmpty(requestId) || string.IsNullOrEmpty(userId) || string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signature))
        {
            return FalWebhookVerification.MissingHeader;
        }

        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out long seconds) || signature.Length != 128 || !IsHex(signature))
        {
            return FalWebhookVerification.Malformed;
        }

        if (_options.AllowedUserIds.Count > 0 && !_options.AllowedUserIds.Contains(userId))
        {
            return FalWebhookVerification.UnknownUser;
        }

        long now = _time.GetUtcNow().ToUnixTimeSeconds();
        return Math.Abs((decimal)now - seconds) > (decimal)_options.Tolerance.TotalSeconds ? FalWebhookVerification.StaleTimestamp : FalWebhookVerification.Valid;
    }

    private static bool Verifies(IReadOnlyList<Ed25519PublicKeyParameters> keys, byte[] message, byte[] signature)
    {
        foreach (Ed25519PublicKeyParameters key in keys)
        {
            var signer = new Ed25519Signer();
            signer.Init(false, key);
            signer.BlockUpdate(message, 0, message.Length);
            if (signer.VerifySignature(signature))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The cached keys, read again when expired; with <paramref name="force"/>, read again now unless that was done within the refresh interval (then null).</summary>
    private async Task<IReadOnlyList<Ed25519PublicKeyParameters>> KeysAsync(bool force, CancellationToken cancellationToken)
    {
        DateTimeOffset now = _time.GetUtcNow();
        if (!force && now < _expires)
        {
            return _keys;
        }

        await _refresh.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            now = _time.GetUtcNow();
            if (force ? now - _lastForced < _options.KeyRefreshInterval : now < _expires)
            {
                return _keys;
            }

            if (force)
            {
                _lastForced = now;   // before the read: a failing read counts too, so forgeries cannot make it hammer fal
            }

            try
            {
                _keys = await _fetch(cancellationToken).ConfigureAwait(false);
                _expires = now + (_options.KeyCacheDuration > TimeSpan.FromHours(24) ? TimeSpan.FromHours(24) : _options.KeyCacheDuration);
            }
            catch (Exception ex) when (ex is HttpRequestException or JsonException or TaskCanceledException or NotSupportedException)
            {
                _expires = now + _options.KeyRefreshInterval;   // keep the keys there were; try again later
            }

            return _keys;
        }
        finally
        {
            _refresh.Release();
        }
    }

    /// <summary>Reads the Ed25519 keys of a JWKS: each key's <c>x</c>, base64url (padded or not), 32 bytes; other keys are skipped.</summary>
    internal static async Task<IReadOnlyList<Ed25519PublicKeyParameters>> ReadJwksAsync(HttpClient http, Uri url, CancellationToken cancellationToken)
    {
        Jwks? jwks = await http.GetFromJsonAsync(url, WebhookJsonContext.Default.Jwks, cancellationToken).ConfigureAwait(false);
        var keys = new List<Ed25519PublicKeyParameters>();
        foreach (Jwk key in jwks?.Keys ?? [])
        {
            if (key.Crv is not (null or "Ed25519") || key.X is null)
            {
                continue;
            }

            string base64 = key.X.TrimEnd('=').Replace('-', '+').Replace('_', '/');
            base64 = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
            try
            {
                byte[] raw = Convert.FromBase64String(base64);
                if (raw.Length == 32)
                {
                    keys.Add(new Ed25519PublicKeyParameters(raw, 0));   // throws for 32 bytes that are not a curve point
                }
            }
            catch (Exception ex) when (ex is FormatException or ArgumentException)
            {
                // Not a key this verifier can use.
            }
        }

        return keys;
    }

    /// <inheritdoc />
    public void Dispose() => _refresh.Dispose();

    private static bool IsHex(string text)
    {
        foreach (char c in text)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}

internal sealed record Jwks([property: JsonPropertyName("keys")] List<Jwk>? Keys);

internal sealed record Jwk([property: JsonPropertyName("x")] string? X, [property: JsonPropertyName("crv")] string? Crv);

[JsonSerializable(typeof(Jwks))]
internal sealed partial class WebhookJsonContext : JsonSerializerContext;
