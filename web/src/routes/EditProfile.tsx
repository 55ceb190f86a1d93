import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { api, must } from '../api/client';
import { ApiError, messageOf } from '../api/errors';
import { updateSessionUser } from '../api/session';
import type { Me } from '../api/types';
import { uploadFile } from '../api/upload';
import { ErrorState, FieldError, Spinner } from '../components/bits';
import { profileKey } from './Profile';

const FIELDS = [
  { name: 'name', label: 'Name', multiline: false },
  { name: 'bio', label: 'Bio', multiline: true },
  { name: 'website', label: 'Website', multiline: false },
] as const;

export default function EditProfile() {
  const me = useQuery({ queryKey: ['me'], queryFn: () => must(api.GET('/api/v1/me')) });
  if (me.isPending) return <Spinner />;
  if (me.isError) return <ErrorState error={me.error} retry={() => void me.refetch()} />;
  return <EditForm me={me.data} />;
}

function EditForm({ me }: { me: Me }) {
  const client = useQueryClient();
  const [values, setValues] = useState({ name: me.name, bio: me.bio, website: me.website ?? '' });
  const [isPrivate, setPrivate] = useState(me.is_private);
  const [tagApproval, setTagApproval] = useState(me.tag_approval);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const [avatar, setAvatar] = useState<{ file: File; preview: string } | null>(null);
  const [progress, setProgress] = useState(0);
  const [avatarError, setAvatarError] = useState<string | null>(null);
  useEffect(
    () => () => {
      if (avatar) URL.revokeObjectURL(avatar.preview);
    },
    [avatar],
  );

  const done = async (profile: Me | Parameters<typeof updateSessionUser>[0]) => {
    updateSessionUser({
      id: profile.id,
      username: profile.username,
      name: profile.name,
      profile_image_url: profile.profile_image_url,
      is_private: profile.is_private,
    });
    await client.invalidateQueries({ queryKey: profileKey(me.username) });
    await client.invalidateQueries({ queryKey: ['me'] });
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setSaved(false);
    try {
      const profile = await must(
        api.PATCH('/api/v1/me', {
          body: {
            name: values.name,
            bio: values.bio,
            website: values.website.trim() || null,
            is_private: isPrivate,
            tag_approval: tagApproval,
          },
        }),
      );
      await done(profile);
      setSaved(true);
    } catch (err) {
      setError(err);
    }
  };
  const uploadAvatar = async () => {
    if (!avatar) return;
    setAvatarError(null);
    try {
      const profile = await uploadFile<Me>(
        '/api/v1/me/profile-image',
        avatar.file,
        setProgress,
        'PUT',
      );
      await done(profile);
      setAvatar(null);
    } catch (err) {
      setAvatarError(messageOf(err));
    }
  };
  const fieldMessage = (name: string) =>
    error instanceof ApiError ? error.fieldMessage(name) : undefined;
  return (
    <div className="page-narrow">
      <h1>Edit profile</h1>
      <section className="avatar-edit" aria-label="Profile photo">
        <div className="avatar-crop">
          {avatar ? (
            <img src={avatar.preview} alt="New profile photo, cropped to a square" />
          ) : me.profile_image_url ? (
            <img src={me.profile_image_url} alt="Current profile photo" />
          ) : (
            <span className="muted">No photo</span>
          )}
        </div>
        <div>
          <label htmlFor="avatar-file" className="button secondary file-label">
            Choose a photo
          </label>
          <input
            id="avatar-file"
            className="visually-hidden"
            type="file"
            accept="image/*"
            onChange={(e) => {
              const file = e.target.files?.[0];
              if (file) setAvatar({ file, preview: URL.createObjectURL(file) });
            }}
          />
          {avatar && (
            <>
              <progress max={1} value={progress} aria-label="Profile photo upload" />
              <button type="button" className="button primary" onClick={() => void uploadAvatar()}>
                Save photo
              </button>
            </>
          )}
          {avatarError && (
            <p className="field-error" role="alert">
              {avatarError}
            </p>
          )}
        </div>
      </section>
      <form onSubmit={submit}>
        {FIELDS.map((f) => {
          const message = fieldMessage(f.name);
          const props = {
            id: `profile-${f.name}`,
            value: values[f.name],
            'aria-invalid': message ? true : undefined,
            'aria-describedby': message ? `profile-${f.name}-error` : undefined,
            onChange: (e: { target: { value: string } }) =>
              setValues({ ...values, [f.name]: e.target.value }),
          };
          return (
            <div className="field" key={f.name}>
              <label htmlFor={props.id}>{f.label}</label>
              {f.multiline ? (
                <textarea rows={3} {...props} />
              ) : (
                <input type={f.name === 'website' ? 'url' : 'text'} {...props} />
              )}
              <FieldError id={`profile-${f.name}-error`} message={message} />
            </div>
          );
        })}
        <div className="field switch">
          <input
            id="profile-private"
            type="checkbox"
            role="switch"
            checked={isPrivate}
            onChange={(e) => setPrivate(e.target.checked)}
          />
          <label htmlFor="profile-private">Private account</label>
        </div>
        <fieldset className="field" id="photos-of-you">
          <legend>Photos of you</legend>
          {(
            [
              ['auto', 'Show tags of you right away'],
              ['manual', 'Approve tags of you before they show'],
            ] as const
          ).map(([value, label]) => (
            <label key={value} className="choice">
              <input
                type="radio"
                name="tag-approval"
                value={value}
                checked={tagApproval === value}
                onChange={() => setTagApproval(value)}
              />{' '}
              {label}
            </label>
          ))}
          <Link to="/accounts/tags">Tags waiting for your approval</Link>
        </fieldset>
        {error !== null && !FIELDS.some((f) => fieldMessage(f.name)) && (
          <p className="form-error" role="alert">
            {messageOf(error)}
          </p>
        )}
        {saved && (
          <p className="notice" role="status">
            Profile saved.
          </p>
        )}
        <button type="submit" className="button primary">
          Save
        </button>
      </form>
    </div>
  );
}
