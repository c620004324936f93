using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Lumenfall.Sdk.AspNetCore;
using Lumenfall.Sdk.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Lumenfall.Sdk.IntegrationTests.Webhooks;

/// <summary>
/// fal webhooks end to end: a real Kestrel app with <c>MapFalWebhooks</c>, the SDK submitting to the emulator with a
/// webhook URL, and the emulator signing and delivering (or, on request, tampering, duplicating, dropping).
/// </summary>
public abstract class FalWebhookHost : IAsyncLifetime
{
    private protected readonly ConcurrentQueue<FalWebhookDelivery> _handled = new();
    private protected LumenfallEmulator _emulator = null!;
    private protected WebApplication _app = null!;
    private protected Uri _webhook = null!;

    /// <summary>How often an operation with a webhook polls as a fallback: long here, so a poll never races the delivery.</summary>
    private protected virtual TimeSpan Fallback => TimeSpan.FromSeconds(30);

    private protected virtual void ConfigureWebhooks(FalWebhookOptions options)
    {
    }

    public async Task InitializeAsync()
    {
        _emulator = await LumenfallEmulator.StartAsync(new EmulatorOptions { MaxSide = 64, WebhookRetryInterval = TimeSpan.FromMinutes(10) });
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Services.AddLumenfall(o =>
        {
            _emulator.Configure(o);
            o.Fal.Polling.WebhookFallbackInterval = Fallback;
        });
        builder.Services.AddFalWebhooks(o =>
        {
            o.JwksUrl = _emulator.Webhooks.JwksUrl;
            ConfigureWebhooks(o);
        });
        builder.Services.AddSingleton(_handled);
        builder.Services.AddFalWebhookHandler<RecordingHandler>();
        _app = builder.Build();
        _app.MapFalWebhooks("/webhooks/fal");
        await _app.StartAsync();
        string address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _webhook = new Uri(new Uri(address), "/webhooks/fal");
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _emulator.DisposeAsync();
    }

    private protected OmniGenV1Request Request(string prompt) => new(prompt)
    {
        Size = new ImageSize(64, 64),
        Submit = new FalSubmitOptions { WebhookUrl = _webhook },
    };

    private sealed class RecordingHandler(ConcurrentQueue<FalWebhookDelivery> handled) : IFalWebhookHandler
    {
        public Task HandleAsync(FalWebhookDelivery delivery, CancellationToken cancellationToken)
        {
            handled.Enqueue(delivery);
            return Task.CompletedTask;
        }
    }
}

/// <summary>Good deliveries, repeats, key rotation and refusals before any key is read; the fallback poll is far away.</summary>
public sealed class FalWebhookTests : FalWebhookHost
{
    [Fact]
    public async Task A_good_delivery_completes_the_waiting_operation_with_no_status_poll_or_result_fetch()
    {
        ImageClient client = _app.Services.GetRequiredService<ImageClient>();
        // The fallback poll is 30 s away; the webhook comes at once.
        ImageOperation operation = await client.StartAsync(Request("a red fox"));
        ImageGenerationResult result = await operation.WaitForCompletionAsync().WaitAsync(TimeSpan.FromMinutes(1));

        result.Images.Should().NotBeEmpty();
        ImageAssertions.Describe((await result.Images[0].LoadAsync()).Bytes.ToArray()).Width.Should().BePositive();
        _emulator.Requests.Should().NotContain(r => r.Method == "GET" && r.Path.Contains("/requests/", StringComparison.Ordinal), "the webhook carried the output");
        _emulator.Webhooks.Attempts.Should().ContainSingle().Which.StatusCode.Should().Be(200);
        _handled.Should().ContainSingle().Which.RequestId.Should().Be(operation.Id);
    }

    [Theory]
    [InlineData(null, "1700000000", 401)]
    [InlineData("not-hex", "1700000000", 400)]
    [InlineData("ab", "yesterday", 400)]
    public async Task A_delivery_without_a_usable_signature_or_timestamp_is_refused(string? signature, string timestamp, int expected)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, _webhook) { Content = new StringContent("""{"request_id":"r","status":"OK","payload":null}""", Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Fal-Webhook-Request-Id", "r");
        request.Headers.Add("X-Fal-Webhook-User-Id", "u");
        request.Headers.Add("X-Fal-Webhook-Timestamp", timestamp);
        if (signature is not null)
        {
            request.Headers.Add("X-Fal-Webhook-Signature", signature == "ab" ? new string('a', 128) : signature);
        }

        using HttpResponseMessage response = await http.SendAsync(request);

        ((int)response.StatusCode).Should().Be(expected);
        _handled.Should().BeEmpty();
    }

    [Fact]
    public async Task Repeated_deliveries_of_one_request_are_handled_once_and_all_answered_200()
    {
        ImageClient client = _app.Services.GetRequiredService<ImageClient>();
        _emulator.Webhooks.NextDelivery(new EmulatorWebhookFault { Copies = 3 });

        ImageOperation operation = await client.StartAsync(Request("a fox thrice"));
        await operation.WaitForCompletionAsync().WaitAsync(TimeSpan.FromMinutes(1));
        await _emulator.Webhooks.AttemptsAsync(3).WaitAsync(TimeSpan.FromMinutes(1));

        _emulator.Webhooks.Attempts.Select(a => a.StatusCode).Should().Equal(200, 200, 200);
        _handled.Should().ContainSingle();
    }

    [Fact]
    public async Task A_rotated_key_is_picked_up_by_reading_the_jwks_again()
    {
        ImageClient client = _app.Services.GetRequiredService<ImageClient>();
        await (await client.StartAsync(Request("before the rotation"))).WaitForCompletionAsync().WaitAsync(TimeSpan.FromMinutes(1));
        _emulator.Webhooks.RotateKey();

        await (await client.StartAsync(Request("after the rotation"))).WaitForCompletionAsync().WaitAsync(TimeSpan.FromMinutes(1));
        await _emulator.Webhooks.AttemptsAsync(2).WaitAsync(TimeSpan.FromMinutes(1));

        _emulator.Webhooks.Attempts.Select(a => a.StatusCode).Should().Equal(200, 200);
        _emulator.Requests.Count(r => r.Path.EndsWith("/.well-known/jwks.json", StringComparison.Ordinal)).Should().Be(2, "read once, then once more when the cached key failed");
    }
}

/// <summary>Deliveries that never complete the operation: it completes by the fallback poll, here 300 ms.</summary>
public sealed class FalWebhookFallbackTests : FalWebhookHost
{
    private protected override TimeSpan Fallback => TimeSpan.FromMilliseconds(300);

    [Theory]
    [InlineData("tampered body")]
    [InlineData("unknown key")]
    [InlineData("stale timestamp")]
    [InlineData("upper-case digest")]
    public async Task A_forged_delivery_is_refused_with_401_and_the_operation_still_completes_by_polling(string forgery)
    {
        ImageClient client = _app.Services.GetRequiredService<ImageClient>();
        _emulator.Webhooks.NextDelivery(forgery switch
        {
            "tampered body" => new EmulatorWebhookFault { TamperBody = true },
            "unknown key" => new EmulatorWebhookFault { UnknownKey = true },
            "stale timestamp" => new EmulatorWebhookFault { StaleBy = TimeSpan.FromMinutes(10) },
            _ => new EmulatorWebhookFault { UpperCaseDigest = true },
        });

        ImageOperation operation = await client.StartAsync(Request("a forged fox"));
        ImageGenerationResult result = await operation.WaitForCompletionAsync().WaitAsync(TimeSpan.FromMinutes(1));
        await _emulator.Webhooks.AttemptsAsync(1).WaitAsync(TimeSpan.FromMinutes(1));

        _emulator.Webhooks.Attempts.Should().ContainSingle().Which.StatusCode.Should().Be(401, forgery);
        _handled.Should().BeEmpty("a refused delivery reaches no handler");
        result.Images.Should().NotBeEmpty("the slow fallback poll found the result");
    }

    [Fact]
    public async Task A_lost_webhook_falls_back_to_polling()
    {
        ImageClient client = _app.Services.GetRequiredService<ImageClient>();
        _emulator.Webhooks.NextDelivery(new EmulatorWebhookFault { Drop = true });

        ImageOperation operation = await client.StartAsync(Request("a lost fox"));
        ImageGenerationResult result = await operation.WaitForCompletionAsync().WaitAsync(TimeSpan.FromMinutes(1));

        result.Images.Should().NotBeEmpty();
        _emulator.Webhooks.Attempts.Should().BeEmpty();
        _emulator.Requests.Should().Contain(r => r.Method == "GET" && r.Path.EndsWith("/status", StringComparison.Ordinal));
    }
}

/// <summary>Deliveries for a fal user the endpoint does not accept.</summary>
public sealed class FalWebhookUserTests : FalWebhookHost
{
    private protected override TimeSpan Fallback => TimeSpan.FromMilliseconds(300);

    private protected override void ConfigureWebhooks(FalWebhookOptions options) => options.AllowedUserIds.Add("our-fal-user");

    [Fact]
    public async Task A_delivery_signed_for_another_fal_user_is_refused_with_401()
    {
        ImageClient client = _app.Services.GetRequiredService<ImageClient>();

        ImageOperation operation = await client.StartAsync(Request("someone else's fox"));
        await operation.WaitForCompletionAsync().WaitAsync(TimeSpan.FromMinutes(1));
        await _emulator.Webhooks.AttemptsAsync(1).WaitAsync(TimeSpan.FromMinutes(1));

        _emulator.Webhooks.Attempts[0].StatusCode.Should().Be(401, "the emulator signs as " + EmulatorWebhooks.UserId);
        _handled.Should().BeEmpty();
        _emulator.Requests.Should().NotContain(r => r.Path.EndsWith("/.well-known/jwks.json", StringComparison.Ordinal), "refused before any key was read");
    }
}
