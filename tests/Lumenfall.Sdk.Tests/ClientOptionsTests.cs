using System.Net;
using Lumenfall.Sdk.Tests.TestSupport;
using RichardSzalay.MockHttp;
using static Lumenfall.Sdk.Tests.TestSupport.ServiceHarness;

namespace Lumenfall.Sdk.Tests;

/// <summary>A client's settings are frozen when it is built; one call can still carry its own headers, timeout, retries and validation.</summary>
public class ClientOptionsTests
{
    private const string Models = LumenfallBase + "/models";
    private const string Generations = LumenfallBase + "/images/generations";

    [Fact]
    public async Task Changing_the_options_after_the_client_is_built_changes_nothing_it_sends()
    {
        var harness = new ServiceHarness();
        harness.Respond(HttpMethod.Get, Models, """{"data":[]}""");
        harness.Respond(HttpMethod.Get, "https://evil.example.com/v1/models", """{"data":[]}""");

        harness.Options.Gateway.Endpoint = new Uri("https://evil.example.com/v1");
        harness.Options.Gateway.ApiKey = "changed";
        await harness.Client.ListModelsAsync();

        harness.Requests.Single().Uri.AbsoluteUri.Should().Be(Models);
        harness.Requests.Single().Authorization.Should().Be("Bearer " + LumenfallKey);
    }

    [Fact]
    public void The_clients_options_are_a_read_only_view()
    {
        var harness = new ServiceHarness();

        harness.Client.Options.Gateway.ApiKey.Should().Be(LumenfallKey);
        harness.Client.Options.IsReadOnly.Should().BeTrue();
        harness.Options.IsReadOnly.Should().BeFalse();
        FluentActions.Invoking(() => harness.Client.Options.Gateway.Endpoint = new Uri("http://insecure.example.com")).Should().Throw<InvalidOperationException>()
            .WithMessage("*read-only (IsReadOnly)*before the client is built*");
        FluentActions.Invoking(() => harness.Client.Options.Fal.Polling.OperationTimeout = TimeSpan.FromDays(100)).Should().Throw<InvalidOperationException>();
        FluentActions.Invoking(() => harness.Client.Options.DownloadRetry.MaxRetries = 9).Should().Throw<InvalidOperationException>();
        harness.Options.Gateway.ApiKey = "the original stays editable";
    }

    [Fact]
    public async Task A_call_can_add_headers()
    {
        var harness = new ServiceHarness();
        harness.Respond(HttpMethod.Get, Models, """{"data":[]}""");
        var options = new RequestOptions { Headers = { ["X-Trace"] = "abc-123" } };

        await harness.Client.ListModelsAsync(options);

        harness.Requests.Single().Headers["X-Trace"].Should().Be("abc-123");
    }

    [Theory]
    [InlineData("batch-sku-1-7f3a", true)]
    [InlineData("", false)]
    [InlineData("has space", false)]
    public async Task A_call_can_choose_its_client_request_id_before_it_is_sent(string id, bool usable)
    {
        var harness = new ServiceHarness();
        harness.Respond(HttpMethod.Get, Models, """{"data":[]}""");

        Func<Task> call = () => harness.Client.ListModelsAsync(new RequestOptions { ClientRequestId = id });

        if (usable)
        {
            await call();
            harness.Requests.Single().Headers["X-Client-Request-Id"].Should().Be(id);
        }
        else
        {
            (await call.Should().ThrowAsync<LumenfallValidationException>()).Which.ParameterName.Should().Be("ClientRequestId");
            harness.Requests.Should().BeEmpty();
        }
    }

    [Fact]
    public async Task Without_a_chosen_id_each_call_gets_its_own_32_hex_digit_client_request_id()
    {
        var harness = new ServiceHarness();
        harness.Respond(HttpMethod.Get, Models, """{"data":[]}""");

        for (int i = 0; i < 50; i++)
        {
            await harness.Client.ListModelsAsync();
        }

        var ids = harness.Requests.Select(r => r.Headers["X-Client-Request-Id"]).ToList();
        ids.Should().OnlyHaveUniqueItems().And.AllSatisfy(id => id.Should().MatchRegex("^[0-9a-f]{32}$"));
        Enumerable.Range(0, 100_000).Select(_ => Lumenfall.Sdk.Http.ServiceChannel.NewClientRequestId()).Should().OnlyHaveUniqueItems();
    }

    [Fact]
    public async Task A_calls_headers_never_follow_a_redirect_to_another_host()
    {
        var harness = new ServiceHarness();
        harness.Redirect(HttpMethod.Get, Models, HttpStatusCode.Found, "https://elsewhere.example.com/models");
        harness.Respond(HttpMethod.Get, "https://elsewhere.example.com/models", """{"data":[]}""");

        await harness.Client.ListModelsAsync(new RequestOptions { Headers = { ["X-Gateway-Token"] = "secret" } });

        harness.Requests.Select(r => (r.Uri.Host, r.Headers.GetValueOrDefault("X-Gateway-Token"), r.Authorization is not null)).Should().Equal(
            ("api.lumenfall.ai", "secret", true),
            ("elsewhere.example.com", null, false));
    }

    [Theory]
    [InlineData("Content-Encoding", "gzip", ValidationRule.ReservedParameter)]
    [InlineData("Proxy-Authorization", "x", ValidationRule.ReservedParameter)]
    [InlineData("X-Bad", "a\r\nX-Injected: 1", ValidationRule.HeaderValue)]
    [InlineData("Bad Name", "x", ValidationRule.HeaderValue)]
    [InlineData("Authorization", "Bearer other", ValidationRule.ReservedParameter)]
    [InlineData("x-client-request-id", "mine", ValidationRule.ReservedParameter)]
    public async Task A_header_that_could_inject_or_replace_the_sdks_is_refused_before_sending(string name, string value, string rule)
    {
        var harness = new ServiceHarness();

        LumenfallValidationException error = (await FluentActions.Awaiting(() => harness.Client.ListModelsAsync(new RequestOptions { Headers = { [name] = value } }))
            .Should().ThrowAsync<LumenfallValidationException>()).Which;

        (error.ParameterName, error.Rule).Should().Be(($"headers[{name}]", rule));
        harness.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task A_call_can_have_its_own_timeout()
    {
        var harness = new ServiceHarness();
        Task arrived = harness.Hang(Models);

        Task<IReadOnlyList<ServiceModel>> call = harness.Client.ListModelsAsync(new RequestOptions { Timeout = TimeSpan.FromSeconds(2) });
        await arrived;
        TimeSpan due = await harness.Time.AdvanceToNextTimerAsync(TimeSpan.FromSeconds(5));

        due.Should().Be(TimeSpan.FromSeconds(2));
        (await FluentActions.Awaiting(() => call).Should().ThrowAsync<LumenfallTimeoutException>()).Which.Timeout.Should().Be(TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task A_call_can_have_its_own_retries()
    {
        var harness = new ServiceHarness();   // the client itself never retries here
        harness.Script(HttpMethod.Get, Models,
            () => Json(HttpStatusCode.ServiceUnavailable, "{}"),
            () => Json(HttpStatusCode.OK, """{"data":[{"id":"m"}]}"""));

        Task<IReadOnlyList<ServiceModel>> call = harness.Client.ListModelsAsync(new RequestOptions { Retry = new RetryOptions { MaxRetries = 1, BaseDelay = TimeSpan.FromSeconds(1) } });
        await harness.Time.AdvanceToNextTimerAsync(TimeSpan.FromSeconds(5));

        (await call).Should().ContainSingle();
        harness.To(Models).Should().HaveCount(2);
    }

    [Fact]
    public async Task A_call_can_relax_validation()
    {
        var harness = new ServiceHarness();
        harness.Respond(HttpMethod.Post, Generations, """{"data":[{"url":"https://cdn.example.com/a.png"}]}""");

        await harness.Client.GenerateAsync(new GptImage2GenerationRequest("x") { Quality = "auto" }, new RequestOptions { Validation = ValidationLevel.Lenient });

        harness.Requests.Single().Json["quality"]!.GetValue<string>().Should().Be("auto");
    }
}
