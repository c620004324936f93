using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Lumenfall.Sdk.AI.Tests;

/// <summary>
/// <c>AddLumenfall().AddImageGenerator(...)</c>: singleton generators over the registration's client, keyed or not,
/// registered through Microsoft.Extensions.AI's builder so its middleware composes.
/// </summary>
public class DependencyInjectionTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    [Fact]
    public async Task The_builder_registers_a_generator_and_keyed_generators_for_other_models()
    {
        var services = new ServiceCollection();
        LumenfallBuilder lumenfall = services.AddLumenfall(o =>
        {
            fixture.Emulator.Configure(o);
            EmulatorFixture.Fast(o);
        });
        lumenfall.AddImageGenerator("gpt-image-2");
        lumenfall.AddKeyedImageGenerator("fast", "flux.2-dev");
        lumenfall.AddKeyedImageGenerator("queued", "omnigen-v1");
        await using ServiceProvider provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });

        IImageGenerator main = provider.GetRequiredService<IImageGenerator>();
        IImageGenerator fast = provider.GetRequiredKeyedService<IImageGenerator>("fast");
        IImageGenerator queued = provider.GetRequiredKeyedService<IImageGenerator>("queued");

        main.GetService<ImageGeneratorMetadata>()!.DefaultModelId.Should().Be("gpt-image-2");
        fast.GetService<ImageGeneratorMetadata>()!.DefaultModelId.Should().Be("flux.2-dev");
        foreach ((IImageGenerator generator, string modelId) in new[] { (main, "gpt-image-2"), (fast, "flux.2-dev"), (queued, "fal-ai/omnigen-v1") })
        {
            ImageGenerationResponse response = await generator.GenerateImagesAsync("a fern");
            response.Contents.Should().ContainSingle();
            ((ImageGenerationResult)response.RawRepresentation!).ModelId.Should().Be(modelId);
        }
    }

    [Fact]
    public async Task A_keyed_lumenfall_registration_gives_its_generators_its_own_client()
    {
        var services = new ServiceCollection();
        services.AddKeyedLumenfall("tenant-b", o =>
            {
                fixture.Emulator.Configure(o);
                o.Gateway.ApiKey = "tenant-b-key";
            })
            .AddImageGenerator("omnigen-v2");
        await using ServiceProvider provider = services.BuildServiceProvider();

        IImageGenerator generator = provider.GetRequiredService<IImageGenerator>();

        generator.GetService<ImageClient>()!.Options.Gateway.ApiKey.Should().Be("tenant-b-key");
        provider.GetService<ImageClient>().Should().BeNull();   // only the keyed client exists
    }

    [Fact]
    public async Task Generators_and_the_client_are_singletons_so_resolves_from_the_root_keep_nothing_alive()
    {
        var services = new ServiceCollection();
        LumenfallBuilder lumenfall = services.AddLumenfall(fixture.Emulator.Configure);
        lumenfall.AddImageGenerator("flux.2-dev");
        lumenfall.AddKeyedImageGenerator("fast", "flux.2-dev");
        await using ServiceProvider provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });

        IImageGenerator first = provider.GetRequiredService<IImageGenerator>();
        var resolves = Enumerable.Range(0, 200).Select(_ => provider.GetRequiredService<IImageGenerator>()).ToList();

        resolves.Should().AllSatisfy(g => g.Should().BeSameAs(first), "200 resolves from the root provider are one generator, not 200 disposables it must keep");
        provider.GetRequiredKeyedService<IImageGenerator>("fast").Should().BeSameAs(provider.GetRequiredKeyedService<IImageGenerator>("fast"));
        provider.GetRequiredService<ImageClient>().Should().BeSameAs(provider.GetRequiredService<ImageClient>());
        first.GetService<ImageClient>().Should().BeSameAs(provider.GetRequiredService<ImageClient>());
    }

    [Fact]
    public async Task Microsoft_extensions_ai_middleware_composes_on_the_returned_builder_keyed_or_not()
    {
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddFakeLogging().SetMinimumLevel(LogLevel.Trace));
        var seen = new List<string>();
        LumenfallBuilder lumenfall = services.AddLumenfall(o =>
        {
            fixture.Emulator.Configure(o);
            EmulatorFixture.Fast(o);
        });
        lumenfall.AddImageGenerator("flux.2-dev")
            .UseLogging()
            .UseOpenTelemetry(sourceName: "Tests.Images")
            .Use(inner => new Recording(inner, "unkeyed", seen));
        lumenfall.AddKeyedImageGenerator("gpt", "gpt-image-2")
            .Use(inner => new Recording(inner, "keyed", seen));
        await using ServiceProvider provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });

        IImageGenerator generator = provider.GetRequiredService<IImageGenerator>();
        await generator.GenerateImagesAsync("a fern");
        await provider.GetRequiredKeyedService<IImageGenerator>("gpt").GenerateImagesAsync("a fern");

        seen.Should().Equal("unkeyed", "keyed");
        generator.GetService<LoggingImageGenerator>().Should().NotBeNull();
        generator.GetService<OpenTelemetryImageGenerator>().Should().NotBeNull();
        generator.GetService<LumenfallImageGenerator>().Should().NotBeNull("the SDK's generator is the innermost");
        provider.GetFakeLogCollector().GetSnapshot().Should().Contain(r => r.Message.Contains("GenerateAsync", StringComparison.Ordinal), "UseLogging logs each call");
    }

    private sealed class Recording(IImageGenerator inner, string name, List<string> seen) : DelegatingImageGenerator(inner)
    {
        public override Task<ImageGenerationResponse> GenerateAsync(ImageGenerationRequest request, ImageGenerationOptions? options = null, CancellationToken cancellationToken = default)
        {
            lock (seen)
            {
                seen.Add(name);
            }

            return base.GenerateAsync(request, options, cancellationToken);
        }
    }
}
