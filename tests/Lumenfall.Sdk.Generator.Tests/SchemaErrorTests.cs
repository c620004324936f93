using static Lumenfall.Sdk.Generator.Tests.CSharpEmitterTests;

namespace Lumenfall.Sdk.Generator.Tests;

/// <summary>
/// Schemas the generator cannot turn into correct C# are refused with an error naming the schema file and what is
/// wrong, instead of emitting code that does not compile or silently drops a parameter.
/// </summary>
public class SchemaErrorTests
{
    private static string FalModel => Model.Replace("\"service\": \"lumenfall\"", "\"service\": \"fal\"", StringComparison.Ordinal);

    private static string ModelWithModes(string modes) =>
        Model.Replace(
            """[ { "name": "text-to-image", "record": "TestModelGenerationRequest" }, { "name": "edit", "record": "TestModelEditRequest" } ]""",
            modes,
            StringComparison.Ordinal);

    private static async Task ShouldFail(string expectedMessage, string properties, string required = "[]", string model = Model, string definitions = "{}")
    {
        Func<Task> read = () => EmitAsync(properties, required, model, definitions);

        await read.Should().ThrowAsync<InvalidDataException>().WithMessage("test.schema.json: " + expectedMessage);
    }

    [Fact]
    public Task An_unknown_value_type() => ShouldFail(
        "property 'size' names unknown x-value-type 'Resolution'*",
        """ "size": { "type": "string", "x-value-type": "Resolution" } """);

    [Theory]
    [InlineData("high-res", "high_res", "*'quality'*'high-res' and 'high_res'*both become the C# name HighRes*")]
    [InlineData("4K", "4k", "*'quality'*'4K' and '4k'*V4K and V4k, which differ only in case*")]
    [InlineData("HIGH", "high", "*'quality'*'HIGH' and 'high'*both become the C# name High*")]
    public Task Two_enum_values_with_one_csharp_name(string first, string second, string message) => ShouldFail(
        message,
        $$""" "quality": { "type": "string", "enum": ["{{first}}", "low", "{{second}}"] } """);

    [Fact]
    public Task An_enum_value_named_like_a_member_of_the_enum() => ShouldFail(
        "property 'pick' has enum value 'known_values', whose C# name KnownValues is already a member of TestModelPick*",
        """ "pick": { "type": "string", "enum": ["a", "known_values"] } """);

    [Theory]
    [InlineData("""[ { "name": "image-to-image", "record": "TestModelImageRequest" } ]""", "image-to-image")]
    [InlineData("""[ { "name": "edit", "record": "TestModelEditRequest", "alsoCovers": ["inpaint"] } ]""", "inpaint")]
    public Task A_mode_the_sdk_has_no_image_mode_for(string modes, string mode) => ShouldFail(
        $"x-model.modes declares mode '{mode}', which the SDK has no ImageMode for (known: text-to-image, edit); describe an image-to-image or inpainting endpoint as 'edit'*",
        """ "prompt": { "type": "string" } """,
        model: ModelWithModes(modes));

    [Fact]
    public Task A_parameter_in_a_mode_no_record_covers() => ShouldFail(
        "property 'mask_url' lists mode 'inpaint' in x-modes, which x-model.modes does not declare (declared: text-to-image, edit)*",
        """ "mask_url": { "type": "string", "x-modes": ["inpaint"] } """);

    [Fact]
    public Task Two_parameters_with_one_csharp_name() => ShouldFail(
        "properties 'image_url' and 'imageUrl' of the record TestModelGenerationRequest both become the C# name ImageUrl*",
        """ "image_url": { "type": "string" }, "imageUrl": { "type": "string" } """);

    [Fact]
    public Task A_parameter_named_like_an_inherited_member() => ShouldFail(
        "property 'mode' of the record TestModelGenerationRequest becomes the C# name Mode, which the record TestModelGenerationRequest already has; rename it with x-csharp-name*",
        """ "mode": { "type": "string" } """);

    [Fact]
    public Task Two_different_objects_with_one_record_name() => ShouldFail(
        "property 'b' needs a record named Shared, which another object already uses; name one with x-type-name*",
        """
        "a": { "type": "object", "x-type-name": "Shared", "properties": { "x": { "type": "integer" } } },
        "b": { "type": "object", "x-type-name": "Shared", "properties": { "y": { "type": "integer" } } }
        """);

    [Fact]
    public Task An_object_inside_itself() => ShouldFail(
        "property 'children' holds the object it is part of; recursive objects are not supported*",
        """ "tree": { "$ref": "#/definitions/Node" } """,
        definitions: """{ "Node": { "type": "object", "properties": { "name": { "type": "string" }, "children": { "type": "array", "items": { "$ref": "#/definitions/Node" } } } } }""");

    [Fact]
    public Task An_image_input_inside_an_object() => ShouldFail(
        "property 'image_url' is an image input inside an object; image inputs are supported as top-level parameters only*",
        """ "control": { "type": "object", "properties": { "image_url": { "type": "string", "format": "uri", "x-value-type": "ImageInput" } } } """);

    [Fact]
    public Task An_upload_on_a_service_that_does_not_upload() => ShouldFail(
        "property 'image_url' has x-upload 'fal', but only fal models upload local images (to fal storage)*",
        """ "image_url": { "type": "string", "format": "uri", "x-value-type": "ImageInput", "x-upload": "fal" } """);

    [Fact]
    public Task A_multipart_file_on_fal() => ShouldFail(
        "property 'image' is a multipart file (format: binary), which only Lumenfall edit requests send; use format: uri on fal*",
        """ "image": { "type": "string", "format": "binary", "x-value-type": "ImageInput" } """,
        model: FalModel);

    [Fact]
    public Task A_multipart_file_in_a_text_to_image_record() => ShouldFail(
        "property 'mask' is a multipart file in the text-to-image record TestModelGenerationRequest; only edit requests are sent as multipart*",
        """ "mask": { "type": "string", "format": "binary", "x-value-type": "ImageInput" } """);

    [Fact]
    public Task A_shape_the_generator_does_not_map() => ShouldFail(
        "property 'grid' has a shape the generator does not map*",
        """ "grid": { "type": "array", "items": { "type": "array", "items": { "type": "integer" } } } """);
}
