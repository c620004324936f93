using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Lumenfall.Sdk.AI.Tests;

/// <summary><c>AddLumenfall().AddImageGenerator(...)</c>: generators over the registration's client, keyed or not.</summary>
public class DependencyInjectionTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    [Fact]
    public async Task The_builder_registers_a_generator_and_keyed_generators_for_other_models()
    {
        var services = new ServiceCollection();
        services.AddLumenfall(o =>
            {
                fixture.Emulator.Configure(o);
                EmulatorFixture.Fast(o);
            })
            .AddImageGenerator("gpt-image-2")
            .AddKeyedImageGenerator("fast", "flux.2-dev")
            .AddKeyedImageGenerator("queued", "omnigen-v1");
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
                o.Lumenfall.ApiKey = "tenant-b-key";
            })
            .AddImageGenerator("omnigen-v2");
        await using ServiceProvider provider = services.BuildServiceProvider();

        IImageGenerator generator = provider.GetRequiredService<IImageGenerator>();

        generator.GetService<ImageClient>()!.Options.Lumenfall.ApiKey.Should().Be("tenant-b-key");
        provider.GetService<ImageClient>().Should().BeNull();   // only the keyed client exists
    }
}
