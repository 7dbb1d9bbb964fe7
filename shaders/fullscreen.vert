#version 330 core
// One triangle that covers the whole viewport, with no vertex buffer: the positions come from
// gl_VertexID, so the renderer only needs an empty VAO (core profile refuses to draw without one).
//
// v_tex is the picture coordinate: (0,0) is the top-left of the picture, (1,1) its bottom-right.
// Clip-space y = -1 (framebuffer row 0) maps to picture row 0, so the target texture holds the
// picture top row first, which is what glReadPixels returns first and what ImGui::Image shows at
// the top with its default uv0 = (0,0).
//
// The target is the picture as shown, which a display matrix may turn or mirror from how it is
// stored (a phone's portrait video): u_orient and u_orient_offset map a shown coordinate back to
// the stored picture's, the identity for an upright video.
uniform mat2 u_orient;
uniform vec2 u_orient_offset;
out vec2 v_tex;

void main() {
    vec2 pos = vec2(float((gl_VertexID & 1) << 2) - 1.0, float((gl_VertexID & 2) << 1) - 1.0);
    v_tex = u_orient * ((pos + 1.0) * 0.5) + u_orient_offset;
    gl_Position = vec4(pos, 0.0, 1.0);
}
