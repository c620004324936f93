using System.Net;
using Lumenfall.Sdk;

namespace UnitTesting;

/// <summary>The app's tests: <see cref="ImageClient"/> replaced by a subclass answering with <see cref="LumenfallModelFactory"/> values.</summary>
public class PosterServiceTests
{
    [Fact]
    public async Task A_poster_is_the_first_image_generated()
    {
        var client = new FakeImageClient(_ => LumenfallModelFactory.ImageGenerationResult("flux.2-dev",
            images: [LumenfallModelFactory.GeneratedImage(new Uri("https://cdn.example.com/poster.png"))]));

        Uri? poster = await new PosterService(client).MakePosterAsync("Summer");

        Assert.Equal(new Uri("https://cdn.example.com/poster.png"), poster);
        Assert.Equal("A poster titled Summer", ((Flux2DevGenerationRequest)client.Requests.Single()).Prompt);
    }

    [Fact]
    public async Task A_rate_limited_poster_is_made_smaller()
    {
        var client = new FakeImageClient(request => ((Flux2DevGenerationRequest)request).Size == "1536x1024"
            ? throw LumenfallModelFactory.ServiceException(HttpStatusCode.TooManyRequests, "RATE_LIMITED", retryAfter: TimeSpan.FromSeconds(30))
            : LumenfallModelFactory.ImageGenerationResult("flux.2-dev"));

        Uri? poster = await new PosterService(client).MakePosterAsync("Winter");

        Assert.NotNull(poster);
        Assert.Equal(["1536x1024", "768x512"], client.Requests.Select(r => ((Flux2DevGenerationRequest)r).Size!.Value.Value));
    }

    [Fact]
    public async Task A_refused_prompt_gives_no_poster()
    {
        var client = new FakeImageClient(_ => throw LumenfallModelFactory.ServiceException(HttpStatusCode.BadRequest, "content_policy_violation"));

        Assert.Null(await new PosterService(client).MakePosterAsync("Forbidden"));
    }

    /// <summary>An <see cref="ImageClient"/> whose <c>GenerateAsync</c> answers from a function and records each request.</summary>
    private sealed class FakeImageClient(Func<ImageRequest, ImageGenerationResult> answer) : ImageClient
    {
        public List<ImageRequest> Requests { get; } = [];

        public override Task<ImageGenerationResult> GenerateAsync(ImageRequest request, RequestOptions? options, CancellationToken cancellationToken = default)
        {
            Requests.Add(request);
            return Task.FromResult(answer(request));
        }
    }
}
