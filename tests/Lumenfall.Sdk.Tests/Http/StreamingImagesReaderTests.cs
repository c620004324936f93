using Lumenfall.Sdk.Tests.TestSupport;
using System.Net;
using System.Text;
using System.Text.Json;
using Lumenfall.Sdk.Http;
using Lumenfall.Sdk.Serialization;
using Lumenfall.Sdk.Transports.Lumenfall;

namespace Lumenfall.Sdk.Tests.Http;

/// <summary>Images are decoded from base64 as the body streams in, whatever the chunking, into the buffer the result keeps.</summary>
public class StreamingImagesReaderTests
{
    private static readonly byte[] Image = Enumerable.Range(0, 1000).Select(i => (byte)(i * 7)).ToArray();

    public static TheoryData<int> Chunks => [1, 2, 3, 5, 7, 64, 4096];

    private static async Task<(LumenfallImagesResponse Body, List<ReadOnlyMemory<byte>> Images)> ReadAsync(string json, int chunk, bool declareLength = true)
    {
        (LumenfallImagesResponse body, List<ReadOnlyMemory<byte>> images, _) = await ReadIntoAsync(json, chunk, declareLength, null);
        return (body, images);
    }

    private static async Task<(LumenfallImagesResponse Body, List<ReadOnlyMemory<byte>> Images, List<string>? Files)> ReadIntoAsync(
        string json, int chunk, bool declareLength, Func<int, string>? files)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(json);
        var content = new StreamContent(new ChunkedStream(bytes, chunk));
        content.Headers.ContentLength = declareLength ? bytes.Length : null;
        using var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
        return await StreamingImagesReader.ReadAsync(response, LumenfallImagesResponse.Read, 1 << 30, CancellationToken.None, files);
    }

    [Theory]
    [MemberData(nameof(Chunks))]
    public async Task With_a_file_per_image_each_image_is_decoded_into_its_file_whatever_the_chunking(int chunk)
    {
        string folder = Directory.CreateTempSubdirectory().FullName;
        byte[] large = new byte[200_003];   // larger than the reader's buffer, and not a multiple of three
        new Random(7).NextBytes(large);
        string escaped = Convert.ToBase64String(Image).Replace("/", "\\/", StringComparison.Ordinal);
        string json = $$"""{ "data": [ { "b64_json": "{{Convert.ToBase64String(large)}}" }, { "url": "https://x/a.png" }, { "b64_json": "{{escaped}}" }, { "b64_json": "" } ] }""";

        (LumenfallImagesResponse body, List<ReadOnlyMemory<byte>> images, List<string>? files) =
            await ReadIntoAsync(json, chunk, declareLength: chunk % 2 == 0, i => Path.Combine(folder, $"image-{i}.part"));

        files.Should().Equal(Path.Combine(folder, "image-0.part"), Path.Combine(folder, "image-1.part"));
        images.Should().HaveCount(2).And.OnlyContain(i => i.IsEmpty, "nothing is kept in memory");
        (await File.ReadAllBytesAsync(files![0])).Should().Equal(large);
        (await File.ReadAllBytesAsync(files[1])).Should().Equal(Image);
        body.Data!.Select(d => d!.Base64Ref).Should().Equal(0, null, 1, null);
        Directory.GetFiles(folder).Should().HaveCount(2, "an empty image leaves no file");
    }

    [Fact]
    public async Task A_body_cut_inside_an_image_leaves_no_file_behind()
    {
        string folder = Directory.CreateTempSubdirectory().FullName;
        string json = $$"""{ "data": [ { "b64_json": "{{Convert.ToBase64String(Image)}}""";

        Func<Task> read = () => ReadIntoAsync(json, 64, declareLength: false, i => Path.Combine(folder, $"image-{i}.part"));

        await read.Should().ThrowAsync<System.Text.Json.JsonException>();
        Directory.GetFiles(folder).Should().BeEmpty();
    }

    [Theory]
    [MemberData(nameof(Chunks))]
    public async Task Every_image_is_decoded_whatever_the_chunking(int chunk)
    {
        string base64 = Convert.ToBase64String(Image);
        string escaped = base64.Replace("/", "\\/", StringComparison.Ordinal).Replace("+", "\\u002B", StringComparison.Ordinal);
        string json = $$"""{ "created": 1, "data": [ { "b64_json" : "{{base64}}", "revised_prompt": "b64_json" }, { "url": "https://x/a.png" }, { "b64_json": "{{escaped}}" }, { "b64_json": null } ], "note": "\"b64_json\":\"x\"" }""";

        (LumenfallImagesResponse body, List<ReadOnlyMemory<byte>> images) = await ReadAsync(json, chunk, declareLength: chunk % 2 == 0);

        images.Should().HaveCount(2);
        images.Select(i => i.ToArray()).Should().AllSatisfy(i => i.Should().Equal(Image));
        body.Data!.Select(d => d!.Base64Ref).Should().Equal(0, null, 1, null);
        (body.Data![0]!.RevisedPrompt, body.Data[1]!.Url, body.Created).Should().Be(("b64_json", "https://x/a.png", 1L));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task Every_padding_length_decodes(int length)
    {
        byte[] image = Image[..length];

        (_, List<ReadOnlyMemory<byte>> images) = await ReadAsync($$"""{"data":[{"b64_json":"{{Convert.ToBase64String(image)}}"}]}""", 3);

        images.Single().ToArray().Should().Equal(image);
    }

    [Theory]
    [InlineData("""{"data":[{"b64_json":"@@@@"}]}""")]
    [InlineData("""{"data":[{"b64_json":"QUJD\nRA=="}]}""")]
    [InlineData("""{"data":[{"b64_json":"QUJDRA==""")]
    public async Task Invalid_or_cut_base64_is_a_json_error(string json) =>
        await FluentActions.Awaiting(() => ReadAsync(json, 2)).Should().ThrowAsync<JsonException>();

    [Fact]
    public async Task A_declared_length_sizes_the_buffer_once()
    {
        string json = $$"""{"data":[{"b64_json":"{{Convert.ToBase64String(Image)}}"}]}""";

        (_, List<ReadOnlyMemory<byte>> images) = await ReadAsync(json, 4096);

        System.Runtime.InteropServices.MemoryMarshal.TryGetArray(images.Single(), out ArraySegment<byte> segment).Should().BeTrue();
        segment.Array!.Length.Should().BeLessThan(json.Length, "one buffer of at most three quarters of the body");
    }

    [Theory]
    [MemberData(nameof(Chunks))]
    public async Task A_key_spelled_with_json_escapes_is_the_key(int chunk)
    {
        string base64 = Convert.ToBase64String(Image);
        string json = $$"""{"data":[{"b64\u005fjson":"{{base64}}"},{"\u0062\u0036\u0034_json":"{{base64}}","revised_prompt":"b64\u005fjson"},{"b64_jso\n":"{{base64}}"}]}""";

        (LumenfallImagesResponse body, List<ReadOnlyMemory<byte>> images) = await ReadAsync(json, chunk);

        images.Should().HaveCount(2, "an escaped spelling of b64_json is the same key; b64_jso\\n is not");
        images.Select(i => i.ToArray()).Should().AllSatisfy(i => i.Should().Equal(Image));
        body.Data!.Select(d => d!.Base64Ref).Should().Equal(0, 1, null);
        body.Data![1]!.RevisedPrompt.Should().Be("b64_json");
    }

    [Fact]
    public async Task Each_image_of_a_multi_image_body_keeps_a_buffer_of_its_own_size()
    {
        byte[][] originals = [.. Enumerable.Range(0, 4).Select(n => Enumerable.Range(0, 1 << 20).Select(i => (byte)(i * (n + 3))).ToArray())];
        string json = "{\"data\":[" + string.Join(",", originals.Select(o => $$"""{"b64_json":"{{Convert.ToBase64String(o)}}"}""")) + "]}";

        (_, List<ReadOnlyMemory<byte>> images) = await ReadAsync(json, 64 * 1024);

        images.Select(i => i.ToArray()).Should().BeEquivalentTo(originals, o => o.WithStrictOrdering());
        long kept = images.Sum(i => System.Runtime.InteropServices.MemoryMarshal.TryGetArray(i, out ArraySegment<byte> segment) ? segment.Array!.Length : 0);
        kept.Should().BeLessThanOrEqualTo((4L << 20) + (4 * 64 * 1024), "4 × 1 MiB images keep about 4 MiB, not 4 buffers the size of the whole body (16 MiB)");
    }
}
