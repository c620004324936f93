using System.Net;
using System.Text;
using Lumenfall.Sdk.AspNetCore;
using Microsoft.Extensions.Time.Testing;

namespace Lumenfall.Sdk.IntegrationTests.Webhooks;

/// <summary>
/// Known answers for the verifier: a delivery signed with RFC 8032's first test key by an independent Ed25519
/// implementation (Python's <c>cryptography</c>), checked byte for byte; the body read with a seed beyond <see cref="long"/>.
/// </summary>
public class FalWebhookVerifierTests
{
    // RFC 8032, section 7.1, TEST 1: the public key of secret key 9d61b19d…7f60.
    private const string RfcPublicKey = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";

    private const string Body = """{"request_id":"req-1","status":"OK","payload":{"seed":17454220438242315174}}""";

    // sha256(Body), lower-case hex, computed with Python's hashlib.
    private const string BodyDigest = "76f9808289b5edb995dc88f113af137c33a6f2e643300598b9bc6670bcd4352e";

    // Ed25519(RFC 8032 TEST 1 secret key, "req-1\nuser-9\n1700000000\n" + BodyDigest), computed with Python's cryptography.
    private const string Signature = "bfe3a5f740ee850c21b6228c571454a23cfd10a5c111d64f5cd01bec4035abea085d608df994be25b384ba58043ab6420bd494e69b1659caa8ebca61acca8607";

    [Fact]
    public void The_signed_message_is_ids_timestamp_and_the_lower_case_body_digest_joined_by_newlines()
    {
        byte[] message = FalWebhookVerifier.SignedMessage("req-1", "user-9", "1700000000", Encoding.UTF8.GetBytes(Body));

        message.Should().Equal(Encoding.UTF8.GetBytes("req-1\nuser-9\n1700000000\n" + BodyDigest));
    }

    [Theory]
    [InlineData(Body, "1700000000", 10, FalWebhookVerification.Valid)]
    [InlineData(Body + " ", "1700000000", 10, FalWebhookVerification.BadSignature)]
    [InlineData(Body, "1700000001", 10, FalWebhookVerification.BadSignature)]
    [InlineData(Body, "1700000000", 301, FalWebhookVerification.StaleTimestamp)]
    [InlineData(Body, "1700000000", -301, FalWebhookVerification.StaleTimestamp)]
    [InlineData(Body, "+1700000000", 10, FalWebhookVerification.Malformed)]
    public async Task A_known_delivery_verifies_and_any_change_does_not(string body, string timestamp, int secondsLater, FalWebhookVerification expected)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000 + secondsLater));
        using var jwks = new HttpClient(new JwksHandler(RfcPublicKey));
        using var verifier = new FalWebhookVerifier(jwks, new FalWebhookOptions { JwksUrl = new Uri("https://keys.example/jwks.json") }, clock);

        FalWebhookVerification verdict = await verifier.VerifyAsync("req-1", "user-9", timestamp, Signature, Encoding.UTF8.GetBytes(body));

        verdict.Should().Be(expected);
    }

    [Fact]
    public async Task The_signature_may_come_in_either_hex_case_and_the_key_padded_or_not()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
        using var jwks = new HttpClient(new JwksHandler(RfcPublicKey, padded: true));
        using var verifier = new FalWebhookVerifier(jwks, new FalWebhookOptions(), clock);

        (await verifier.VerifyAsync("req-1", "user-9", "1700000000", Signature.ToUpperInvariant(), Encoding.UTF8.GetBytes(Body))).Should().Be(FalWebhookVerification.Valid);
    }

    [Fact]
    public void A_delivery_keeps_numbers_beyond_long_as_they_came()
    {
        FalWebhookDelivery delivery = FalWebhookDelivery.Parse(Encoding.UTF8.GetBytes(Body));

        (delivery.RequestId, delivery.Status).Should().Be(("req-1", FalWebhookStatus.Ok));
        delivery.Payload!.Value.GetProperty("seed").GetRawText().Should().Be("17454220438242315174");
        delivery.Payload.Value.GetProperty("seed").GetUInt64().Should().Be(17454220438242315174UL);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("""{"status":"OK"}""")]
    [InlineData("""{"request_id":"r"}""")]
    [InlineData("not json")]
    public void A_body_that_is_not_a_delivery_is_refused(string body)
    {
        Action parse = () => FalWebhookDelivery.Parse(Encoding.UTF8.GetBytes(body));

        parse.Should().Throw<FormatException>();
    }

    /// <summary>Serves a JWKS holding one Ed25519 key.</summary>
    private sealed class JwksHandler(string publicKeyHex, bool padded = false) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            string x = Convert.ToBase64String(Convert.FromHexString(publicKeyHex)).Replace('+', '-').Replace('/', '_');
            x = padded ? x : x.TrimEnd('=');
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new StringContent($$"""{"keys":[{"kty":"OKP","crv":"Ed25519","x":"{{x}}"}]}""", Encoding.UTF8, "application/json"),
            });
        }
    }
}
