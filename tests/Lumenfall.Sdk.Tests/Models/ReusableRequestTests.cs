using System.Text.Json.Nodes;
using Lumenfall.Sdk.Tests.TestSupport;
using static Lumenfall.Sdk.Tests.TestSupport.ServiceHarness;

namespace Lumenfall.Sdk.Tests.Models;

/// <summary>A request can be sent any number of times, and every send carries the same image bytes.</summary>
public class ReusableRequestTests
{
    private const string Edits = LumenfallBase + "/images/edits";
    private const string Answer = """{"data":[{"url":"https://cdn.example.com/a.png"}]}""";
    private static readonly byte[] Image = [.. TestImages.Png, 1, 2, 3, 4, 5, 6, 7, 8];

    private static ServiceHarness Harness()
    {
        var harness = new ServiceHarness();
        harness.Respond(HttpMethod.Post, Edits + "?dryRun=true", """{"total_cost_micros":1000}""");
        harness.Respond(HttpMethod.Post, Edits, Answer);
        return harness;
    }

    private static byte[] ImagePart(CapturedRequest request) => request.Parts.Single(p => p.Name == "image").Content;

    [Fact]
    public async Task A_seekable_stream_sends_the_same_bytes_for_a_cost_estimate_then_the_generation()
    {
        var harness = Harness();
        using var stream = new MemoryStream([9, 9, 9, .. Image]) { Position = 3 };
        var edit = new GptImage2EditRequest("x", [ImageInput.FromStream(stream, "in.png")]);

        await harness.Client.EstimateCostAsync(edit);
        await harness.Client.GenerateAsync(edit);
        await harness.Client.GenerateAsync(edit with { });

        harness.Requests.Should().HaveCount(3).And.OnlyContain(r => ImagePart(r).SequenceEqual(Image));
    }

    [Fact]
    public async Task A_non_seekable_stream_is_read_once_and_every_send_carries_its_bytes()
    {
        var harness = Harness();
        var stream = new ChunkedStream(Image);
        var edit = new GptImage2EditRequest("x", [ImageInput.FromStream(stream, "in.png")]);

        await harness.Client.EstimateCostAsync(edit);
        await harness.Client.GenerateAsync(edit);

        harness.Requests.Should().HaveCount(2).And.OnlyContain(r => ImagePart(r).SequenceEqual(Image));
        stream.Reads.Should().BeGreaterThan(0);
    }

    [Fact]
    public async Task A_non_seekable_stream_over_the_cap_is_refused_never_sent_empty()
    {
        var harness = Harness();
        var stream = new ChunkedStream([.. TestImages.Png, .. new byte[ImageInput.MaxBufferedStreamBytes]]);
        var edit = new GptImage2EditRequest("x", [ImageInput.FromStream(stream, "in.png")]);

        LumenfallValidationException first = (await FluentActions.Awaiting(() => harness.Client.GenerateAsync(edit)).Should().ThrowAsync<LumenfallValidationException>()).Which;
        LumenfallValidationException second = (await FluentActions.Awaiting(() => harness.Client.GenerateAsync(edit)).Should().ThrowAsync<LumenfallValidationException>()).Which;

        first.ParameterName.Should().Be("image[0]");
        second.Message.Should().Contain("file or a seekable stream");
        harness.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task A_caller_who_gives_up_on_the_first_send_does_not_spoil_the_stream_for_the_next()
    {
        var harness = Harness();
        var edit = new GptImage2EditRequest("x", [ImageInput.FromStream(new ChunkedStream(Image), "in.png")]);

        await FluentActions.Awaiting(() => harness.Client.GenerateAsync(edit, cancellationToken: new CancellationToken(canceled: true))).Should().ThrowAsync<OperationCanceledException>();
        await harness.Client.GenerateAsync(edit);

        ImagePart(harness.Requests.Single()).Should().Equal(Image);
    }

    [Fact]
    public void A_with_copy_gets_its_own_additional_properties()
    {
        var original = new Flux2DevGenerationRequest("x") { AdditionalProperties = { ["extra"] = new JsonObject { ["a"] = 1 } } };

        Flux2DevGenerationRequest copy = original with { Prompt = "y" };
        copy.AdditionalProperties["extra"]!["a"] = 2;
        copy.AdditionalProperties["more"] = true;

        original.AdditionalProperties.ToJsonString().Should().Be("""{"extra":{"a":1}}""");
    }

    [Fact]
    public void Reading_additional_properties_changes_neither_equality_nor_hash()
    {
        var read = new GptImage2GenerationRequest("x") { Size = "1024x1024" };
        var untouched = new GptImage2GenerationRequest("x") { Size = "1024x1024" };
        int hash = read.GetHashCode();

        _ = read.AdditionalProperties.Count;

        read.Should().Be(untouched);
        read.GetHashCode().Should().Be(hash).And.Be(untouched.GetHashCode());
        read.AdditionalProperties["quality"] = "auto";
        read.Should().NotBe(untouched, "a parameter that is really there does count");
        untouched.AdditionalProperties["quality"] = "auto";
        read.Should().Be(untouched, "additional properties compare by their JSON, not by reference");
    }

    [Fact]
    public void A_with_copy_gets_its_own_image_list_and_equals_the_original_until_one_changes()
    {
        ImageInput cat = ImageInput.FromUrl("https://example.com/cat.png");
        var original = new GptImage2EditRequest("x", [cat]);

        GptImage2EditRequest copy = original with { };
        copy.Should().Be(original).And.NotBeSameAs(original);
        copy.GetHashCode().Should().Be(original.GetHashCode());
        copy.Images.Should().NotBeSameAs(original.Images);

        copy.Images.Add(ImageInput.FromUrl("https://example.com/hat.png"));

        original.Images.Should().ContainSingle("adding an image to the copy never changes the original");
        copy.Should().NotBe(original);
        new GptImage2EditRequest("x", [cat]).Should().Be(original, "the same images in the same order are equal lists");
    }

    [Fact]
    public void Equal_image_inputs_make_equal_requests_whoever_created_them()
    {
        byte[] png = [0x89, 0x50, 0x4E, 0x47, 1, 2, 3];

        new GptImage2EditRequest("x", [ImageInput.FromUrl("https://example.com/cat.png")])
            .Should().Be(new GptImage2EditRequest("x", [ImageInput.FromUrl("https://example.com/cat.png")]));
        ImageInput.FromBytes(png, "image/png").Should().Be(ImageInput.FromBytes(png.ToArray(), "image/png"));
        ImageInput.FromBytes(png, "image/png").GetHashCode().Should().Be(ImageInput.FromBytes(png.ToArray(), "image/png").GetHashCode());
        ImageInput.FromFile("/a/cat.png").Should().Be(ImageInput.FromFile("/a/cat.png")).And.NotBe(ImageInput.FromFile("/a/dog.png"));
        ImageInput.FromUrl("https://example.com/cat.png").Should().NotBe(ImageInput.FromUrl("https://example.com/cat.png?v=2"));
        ImageInput.FromBytes(png, "image/png").Should().NotBe(ImageInput.FromBytes(png, "image/jpeg"), "the declared media type is part of the input");
        using var stream = new MemoryStream(png);
        ImageInput.FromStream(stream).Should().Be(ImageInput.FromStream(stream)).And.NotBe(ImageInput.FromStream(new MemoryStream(png)));
    }

    [Fact]
    public void The_untyped_gateway_request_copies_and_compares_its_images_like_the_typed_ones()
    {
        var original = new LumenfallModelRequest("seedream-4", "x") { Images = [ImageInput.FromUrl("https://example.com/cat.png")] };

        LumenfallModelRequest copy = original with { };
        copy.Should().Be(original);
        copy.GetHashCode().Should().Be(original.GetHashCode());
        copy.Images!.Add(ImageInput.FromUrl("https://example.com/hat.png"));

        original.Images.Should().ContainSingle();
        copy.Should().NotBe(original);
    }

    [Fact]
    public void A_fal_app_request_equals_its_copy_and_compares_its_input_as_json()
    {
        var original = new FalAppRequest("fal-ai/flux/dev", new System.Text.Json.Nodes.JsonObject { ["prompt"] = "x", ["num_images"] = 2 });
        original.SetImage("image_url", ImageInput.FromUrl("https://example.com/cat.png"));

        FalAppRequest copy = original with { };
        copy.Should().Be(original);
        copy.GetHashCode().Should().Be(original.GetHashCode());
        new FalAppRequest("fal-ai/flux/dev", new System.Text.Json.Nodes.JsonObject { ["prompt"] = "x", ["num_images"] = 2 })
            .Should().NotBe(original, "it has no image field");

        copy.Input["seed"] = 7;
        copy.Should().NotBe(original);
        original.Input.ContainsKey("seed").Should().BeFalse();
    }

    [Fact]
    public void A_with_copy_of_a_fal_request_gets_its_own_queue_settings()
    {
        var original = new OmniGenV1Request("x") { Submit = new FalSubmitOptions { RunnerHint = "eu" } };

        OmniGenV1Request copy = original with { };
        copy.Should().Be(original);
        copy.Submit!.RunnerHint = "us";

        original.Submit.RunnerHint.Should().Be("eu");
        copy.Should().NotBe(original);
        new OmniGenV1Request("x") { Submit = new FalSubmitOptions { RunnerHint = "eu" } }.Should().Be(original, "queue settings compare by value");
    }
}
