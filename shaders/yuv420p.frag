#version 330 core
// 4:2:0 with three planes (yuv420p): Y, U and V each in its own GL_R8 texture.
// The colour conversion is one affine map, rgb = u_matrix * yuv + u_offset, whose coefficients the
// renderer computes on the CPU from the frame's tags (BT.601/BT.709, limited/full range), as mpv does.
in vec2 v_tex;
out vec4 frag;

uniform sampler2D u_y;
uniform sampler2D u_u;
uniform sampler2D u_v;
uniform mat3 u_matrix;
uniform vec3 u_offset;
// Chroma planes are ceil(w/2) x ceil(h/2) texels, so with an odd size they reach half a luma pixel
// past the picture; scale and offset map picture coordinates onto chroma texels, including the
// chroma siting (H.264 puts 4:2:0 chroma on the left luma column, JPEG between the columns).
uniform vec2 u_chroma_scale;
uniform vec2 u_chroma_offset;
// 1.0 for a plane stored bottom-up (negative linesize): its texture rows are in reverse order.
uniform vec3 u_flip;

vec2 flipped(vec2 t, float flip) {
    return vec2(t.x, mix(t.y, 1.0 - t.y, flip));
}

void main() {
    vec2 c = v_tex * u_chroma_scale + u_chroma_offset;
    vec3 yuv = vec3(texture(u_y, flipped(v_tex, u_flip.x)).r,
                    texture(u_u, flipped(c, u_flip.y)).r,
                    texture(u_v, flipped(c, u_flip.z)).r);
    frag = vec4(clamp(u_matrix * yuv + u_offset, 0.0, 1.0), 1.0);
}
