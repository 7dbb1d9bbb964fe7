#version 330 core
// 4:2:0 with interleaved chroma (nv12): Y in a GL_R8 texture, Cb/Cr pairs in one GL_RG8 texture
// sampled as .rg. Everything else is as in yuv420p.frag.
in vec2 v_tex;
out vec4 frag;

uniform sampler2D u_y;
uniform sampler2D u_uv;
uniform mat3 u_matrix;
uniform vec3 u_offset;
uniform vec2 u_chroma_scale;
uniform vec2 u_chroma_offset;
// x: luma plane, y: chroma plane (z unused); 1.0 when stored bottom-up.
uniform vec3 u_flip;

vec2 flipped(vec2 t, float flip) {
    return vec2(t.x, mix(t.y, 1.0 - t.y, flip));
}

void main() {
    vec2 c = v_tex * u_chroma_scale + u_chroma_offset;
    vec3 yuv = vec3(texture(u_y, flipped(v_tex, u_flip.x)).r, texture(u_uv, flipped(c, u_flip.y)).rg);
    frag = vec4(clamp(u_matrix * yuv + u_offset, 0.0, 1.0), 1.0);
}
