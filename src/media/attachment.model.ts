import { Field, ID, Int, ObjectType } from '@nestjs/graphql';

/**
 * An uploaded file as messages carry it (in history, in events across instances): what it is,
 * without any URL. URLs are signed when a message is read (MediaUrls), so each read gets fresh ones.
 */
export interface AttachmentFile {
  id: string;
  contentType: string;
  name: string;
  size: number;
  width: number | null;
  height: number | null;
  hasThumbnail: boolean;
}

@ObjectType({ description: 'A file attached to a message (or just uploaded). url and thumbnailUrl are signed and expire; read the message again for fresh ones.' })
export class Attachment {
  @Field(() => ID)
  id: string;

  @Field({ description: 'Opens the file without headers (an <img>/<video> src); HTTP range requests work.' })
  url: string;

  @Field({ description: 'What the bytes are (sniffed at upload), e.g. image/png.' })
  contentType: string;

  @Field()
  name: string;

  @Field(() => Int, { description: 'Bytes.' })
  size: number;

  @Field(() => Int, { nullable: true, description: 'Pixels, for images whose size is known.' })
  width: number | null;

  @Field(() => Int, { nullable: true })
  height: number | null;

  @Field(() => String, { nullable: true, description: 'A JPEG or PNG at most 320 px on its long side, for images.' })
  thumbnailUrl: string | null;
}
