using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Lumenfall.Sdk.Diagnostics;
using Lumenfall.Sdk.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using OpenTelemetry.Trace;
using WebApi;

namespace WebApi.Tests;

/// <summary>
/// The WebApi sample in-process (<see cref="WebApplicationFactory{TEntryPoint}"/>), configured like a real deployment
/// with the Lumenfall section pointed at an emulator: its Aspire-style defaults put the standard resilience handler on
/// every HttpClient, and a generation still reaches the service once.
/// </summary>
public sealed class WebApiTests : IAsyncLifetime
{
    private const string Generations = "/lumenfall/openai/v1/images/generations";

    private readonly List<Activity> _spans = [];
    private LumenfallEmulator _emulator = null!;
    private WebApplicationFactory<Program> _factory = null!;

    public async Task InitializeAsync()
    {
        _emulator = await LumenfallEmulator.StartAsync(new EmulatorOptions { MaxSide = 64 });
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("Lumenfall:Gateway:ApiKey", LumenfallEmulator.ApiKey);
            web.UseSetting("Lumenfall:Gateway:Endpoint", _emulator.GatewayEndpoint.AbsoluteUri);
            web.UseSetting("Lumenfall:Fal:ApiKey", LumenfallEmulator.ApiKey);
            web.UseSetting("Lumenfall:Fal:Endpoint", _emulator.FalRunEndpoint.AbsoluteUri);
            web.UseSetting("Lumenfall:Fal:QueueEndpoint", _emulator.FalQueueEndpoint.AbsoluteUri);
            web.UseSetting("Lumenfall:Fal:StorageEndpoint", _emulator.FalStorageEndpoint.AbsoluteUri);
            web.ConfigureTestServices(services => services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(_spans)));
        });
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        await _emulator.DisposeAsync();
    }

    private List<EmulatorRequest> Posts() => [.. _emulator.Requests.Where(r => r.Method == "POST" && r.Path == Generations)];

    [Fact]
    public async Task Post_images_generates_through_the_sdk_and_is_traced()
    {
        HttpClient http = _factory.CreateClient();

        HttpResponseMessage response = await http.PostAsJsonAsync("/images", new ImagesRequest("flux.2-dev", "a lighthouse at dusk", new JsonObject { ["size"] = "64x48" }));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        ImagesResponse body = (await response.Content.ReadFromJsonAsync<ImagesResponse>())!;
        body.Model.Should().Be("flux.2-dev");
        body.Images.Should().ContainSingle().Which.Should().Match<ImageOut>(i => i.Url != null || i.Base64 != null);
        Posts().Should().ContainSingle().Which.Authorization.Should().Be("Bearer");
        _spans.Should().Contain(s => s.Source.Name == SdkTelemetry.Name && s.DisplayName == "generate_content flux.2-dev", "the service defaults trace the SDK's source");
    }

    [Fact]
    public async Task A_500_from_the_service_is_one_post_under_the_hosts_standard_resilience_and_a_502_problem()
    {
        _emulator.Faults.Add(new EmulatorFault { Method = "POST", PathContains = Generations, StatusCode = HttpStatusCode.InternalServerError, Times = 100, Body = """{"error":{"message":"boom"}}""" });
        HttpClient http = _factory.CreateClient();

        HttpResponseMessage response = await http.PostAsJsonAsync("/images", new ImagesRequest("flux.2-dev", "a lighthouse"));

        response.StatusCode.Should().Be(HttpStatusCode.BadGateway);
        JsonObject problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        problem["clientRequestId"]!.GetValue<string>().Should().NotBeNullOrEmpty();
        Posts().Should().ContainSingle("the standard resilience handler the host puts on every HttpClient would send it 4 times");
    }

    [Fact]
    public async Task A_request_that_breaks_a_model_rule_is_a_400_naming_the_parameter_and_nothing_is_sent()
    {
        HttpClient http = _factory.CreateClient();

        HttpResponseMessage response = await http.PostAsJsonAsync("/images", new ImagesRequest("gpt-image-2", "a lighthouse", new JsonObject { ["size"] = "1024*1024" }));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        JsonObject problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        problem["errors"]!.AsObject().Should().ContainKey("size");
        _emulator.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task Health_and_liveness_answer()
    {
        HttpClient http = _factory.CreateClient();

        (await http.GetStringAsync("/health")).Should().Be("Healthy");
        (await http.GetStringAsync("/alive")).Should().Be("Healthy");
    }
}
