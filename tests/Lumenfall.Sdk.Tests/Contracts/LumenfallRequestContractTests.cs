using Lumenfall.Sdk.Tests.TestSupport;
using Newtonsoft.Json.Linq;

namespace Lumenfall.Sdk.Tests.Contracts;

/// <summary>
/// The Lumenfall gateway is OpenAI-compatible, so what each Lumenfall record puts on the wire (its seed page's example and
/// every boundary of its schema) must be valid for OpenAI's published request schemas: the JSON generation body for
/// <c>CreateImageRequest</c>, the multipart edit form for <c>CreateImageEditRequest</c>. Only the properties OpenAI
/// defines are judged (<see cref="WireCapture.ProjectOnto"/>); Lumenfall's own additions are left out.
/// </summary>
public class LumenfallRequestContractTests
{
    public static TheoryData<string> OmniGenV2Generations => RequestVariants.Names(RequestVariants.OmniGenV2Generation);

    public static TheoryData<string> GptImage2Generations => RequestVariants.Names(RequestVariants.GptImage2Generation);

    public static TheoryData<string> Flux2DevGenerations => RequestVariants.Names(RequestVariants.Flux2DevGeneration);

    public static TheoryData<string> OmniGenV2Edits => RequestVariants.Names(RequestVariants.OmniGenV2Edit);

    public static TheoryData<string> GptImage2Edits => RequestVariants.Names(RequestVariants.GptImage2Edit);

    public static TheoryData<string> Flux2DevEdits => RequestVariants.Names(RequestVariants.Flux2DevEdit);

    /// <summary>Each Lumenfall record with output_format set to one of the gateway's extra formats.</summary>
    public static TheoryData<string, string> ExtraOutputFormats
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (string record in new[] { "omnigen-v2 generation", "gpt-image-2 generation", "flux.2-dev generation", "omnigen-v2 edit", "gpt-image-2 edit", "flux.2-dev edit" })
            {
                data.Add(record, "gif");
                data.Add(record, "avif");
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(OmniGenV2Generations))]
    public Task Every_omnigen_v2_generation_request_is_a_valid_openai_CreateImageRequest(string variant) =>
        GenerationConformsAsync(RequestVariants.OmniGenV2Generation, "omnigen-v2", variant);

    [Theory]
    [MemberData(nameof(GptImage2Generations))]
    public Task Every_gpt_image_2_generation_request_is_a_valid_openai_CreateImageRequest(string variant) =>
        GenerationConformsAsync(RequestVariants.GptImage2Generation, "gpt-image-2", variant);

    [Theory]
    [MemberData(nameof(Flux2DevGenerations))]
    public Task Every_flux_2_dev_generation_request_is_a_valid_openai_CreateImageRequest(string variant) =>
        GenerationConformsAsync(RequestVariants.Flux2DevGeneration, "flux.2-dev", variant);

    [Theory]
    [MemberData(nameof(OmniGenV2Edits))]
    public Task Every_omnigen_v2_edit_form_is_a_valid_openai_CreateImageEditRequest(string variant) =>
        EditConformsAsync(RequestVariants.OmniGenV2Edit, "omnigen-v2", variant);

    [Theory]
    [MemberData(nameof(GptImage2Edits))]
    public Task Every_gpt_image_2_edit_form_is_a_valid_openai_CreateImageEditRequest(string variant) =>
        EditConformsAsync(RequestVariants.GptImage2Edit, "gpt-image-2", variant);

    [Theory]
    [MemberData(nameof(Flux2DevEdits))]
    public Task Every_flux_2_dev_edit_form_is_a_valid_openai_CreateImageEditRequest(string variant) =>
        EditConformsAsync(RequestVariants.Flux2DevEdit, "flux.2-dev", variant);

    /// <summary>The one known deviation on the request side (see <see cref="KnownDeviations.LumenfallOutputFormats"/>), shown to still exist.</summary>
    [Theory]
    [MemberData(nameof(ExtraOutputFormats))]
    public async Task Lumenfall_output_formats_gif_and_avif_are_outside_openais_enum_and_nothing_else_is(string record, string format)
    {
        (IReadOnlyDictionary<string, Func<ImageRequest>> variants, bool edit) = record switch
        {
            "omnigen-v2 generation" => (RequestVariants.OmniGenV2Generation, false),
            "gpt-image-2 generation" => (RequestVariants.GptImage2Generation, false),
            "flux.2-dev generation" => (RequestVariants.Flux2DevGeneration, false),
            "omnigen-v2 edit" => (RequestVariants.OmniGenV2Edit, true),
            "gpt-image-2 edit" => (RequestVariants.GptImage2Edit, true),
            _ => (RequestVariants.Flux2DevEdit, true),
        };
        SchemaContract contract = edit ? await PublishedSchemas.OpenAiCreateImageEditRequest : await PublishedSchemas.OpenAiCreateImageRequest;

        CapturedRequest sent = await WireCapture.SendAsync(variants["output_format=" + format]());
        JObject body = edit ? WireCapture.FormAsJson(sent, contract) : WireCapture.JsonBody(sent);

        WireCapture.ProjectOnto(body, contract).ShouldShowOnly(contract, KnownDeviations.LumenfallOutputFormats);
    }

    private static async Task GenerationConformsAsync(IReadOnlyDictionary<string, Func<ImageRequest>> variants, string model, string variant)
    {
        SchemaContract contract = await PublishedSchemas.OpenAiCreateImageRequest;
        ImageRequest request = variants[variant]();
        request.Validate();   // every variant is a request the SDK itself accepts

        JObject body = WireCapture.JsonBody(await WireCapture.SendAsync(request));

        ((string?)body["model"]).Should().EndWith(model, "a Lumenfall body names its model");
        WireCapture.ProjectOnto(body, contract).ShouldConformTo(contract, $"{model} {variant}", KnownDeviations.LumenfallOutputFormats);
    }

    private static async Task EditConformsAsync(IReadOnlyDictionary<string, Func<ImageRequest>> variants, string model, string variant)
    {
        SchemaContract contract = await PublishedSchemas.OpenAiCreateImageEditRequest;
        ImageRequest request = variants[variant]();
        request.Validate();

        JObject form = WireCapture.FormAsJson(await WireCapture.SendAsync(request), contract);

        ((string?)form["model"]).Should().EndWith(model, "a Lumenfall form names its model");
        form["image"].Should().NotBeNull("an edit carries its image parts");
        WireCapture.ProjectOnto(form, contract).ShouldConformTo(contract, $"{model} {variant}", KnownDeviations.LumenfallOutputFormats);
    }
}
